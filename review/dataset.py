"""Dataset step of review (order 30, see ``core/datasets.py``): review settings, rounds, the
expert pool, and for every time a project went into joint review (``accept_for_review`` in
``ctx.history``) a review with its opinion tasks and signed opinions, an expert panel with
scores, and a place on a joint-review meeting whose votes give the decision the project's
history records. Reviews still open get part of that work done; the unit's next meeting has
open items with some votes cast."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate

from django.db import connection

from core.datasets import bulk_insert, dataset_check, dataset_step, ids
from core.models import Organisation, ReviewFunction, Role, User
from projects.models import Project
from projects.workflow import State

from .models import (
    DEFAULT_CRITERIA,
    DEFAULT_REQUIREMENTS,
    AgendaItem,
    Criterion,
    Expert,
    Meeting,
    MeetingMember,
    Opinion,
    OpinionRequirement,
    Outcome,
    Panel,
    PanelMember,
    Review,
    ReviewRound,
    ReviewSettings,
    ReviewTask,
    Score,
    Vote,
)

TWO = Decimal("0.01")
DECISIONS = {"approve": Outcome.APPROVE, "reject": Outcome.REJECT, "send_back": Outcome.SEND_BACK}
OPINION_TEXTS = {
    ReviewFunction.SECURITY: "网络安全方案基本完整，须按等级保护要求完成定级备案和测评。",
    ReviewFunction.CRYPTOGRAPHY: "密码应用方案符合要求，建设完成后须开展商用密码应用安全性评估。",
    ReviewFunction.TECHNICAL: "技术路线可行，须复用统一身份认证和电子证照等共性平台。",
    ReviewFunction.FISCAL: "经财政评审，建议按核减后金额核定投资。",
}
SPECIALITIES = ["网络安全", "数据治理", "软件工程", "云计算", "工程造价", "密码应用", "电子政务"]
COMMENTS = [
    "建设必要性充分，方案可行。",
    "投资测算偏高，建议核减。",
    "须加强数据共享。",
    "同意立项。",
]
H = dt.timedelta(hours=1)


def _pick(rng, weighted, k, exclude):
    """``k`` distinct experts by weight (popular experts sit on more panels)."""
    chosen = []
    while len(chosen) < k:
        expert = rng.choices(weighted[0], cum_weights=weighted[1])[0]
        if expert[0] not in chosen and expert[1] != exclude:
            chosen.append(expert[0])
    return chosen


def _episodes(steps):
    """(accept_for_review transition, deciding transition or None) per time in review."""
    episodes, current = [], None
    for t in steps:
        if t.action == "accept_for_review":
            current = t
        elif t.action in DECISIONS and current:
            episodes.append((current, t))
            current = None
    if current:
        episodes.append((current, None))
    return episodes


@dataset_step(30)
def reviews(ctx):
    j, rng = ctx.jurisdiction, ctx.rng
    users = User.objects.filter(organisation__jurisdiction=j)
    by_role = defaultdict(list)
    for pk, org_id, code in users.values_list("pk", "organisation_id", "roles__code"):
        by_role[code].append((pk, org_id))
    office = [pk for pk, _ in by_role[Role.OFFICE]]
    committee = sorted(by_role[Role.COMMITTEE])
    units = {
        function: (org_id, [u for u, o in by_role[Role.REVIEWER] if o == org_id])
        for org_id, function in Organisation.objects.filter(jurisdiction=j)
        .exclude(review_function="")
        .values_list("pk", "review_function")
    }
    # Settings, requirements and criteria (SPEC §4 defaults).
    ReviewSettings.objects.create(jurisdiction=j)
    for occasion in ("approval", "acceptance", "post_evaluation"):
        OpinionRequirement.objects.bulk_create(
            OpinionRequirement(jurisdiction=j, occasion=occasion, function=f, condition=c)
            for f, c in DEFAULT_REQUIREMENTS
        )
        Criterion.objects.bulk_create(
            Criterion(jurisdiction=j, occasion=occasion, code=code, name=name, weight=w, order=i)
            for i, (code, name, w) in enumerate(DEFAULT_CRITERIA)
        )
    # The expert pool.
    experts, expert_rows = [], []
    for user_id, employer in by_role[Role.EXPERT]:
        pk = ids.take(Expert)[0]
        expert_rows.append((pk, user_id, j.pk, employer, rng.choice(SPECIALITIES), True))
        experts.append((pk, employer, user_id))
    bulk_insert(Expert, ("id", "user_id", "jurisdiction_id", "employer_id", "speciality",
                         "active"), expert_rows)  # fmt: skip
    weighted = (experts, list(accumulate(1 / (i + 1) for i in range(len(experts)))))
    expert_user = {pk: user_id for pk, _, user_id in experts}
    # Rounds per year: two annual batches and one ad hoc round.
    rounds, round_rows = {}, []
    for year in range(ctx.start.year, ctx.today.year + 1):
        for kind, batch, opens, closes in [
            ("annual", 1, dt.date(year, 1, 1), dt.date(year, 6, 30)),
            ("annual", 2, dt.date(year, 7, 1), dt.date(year, 12, 31)),
            ("adhoc", 1, None, None),
        ]:
            pk = ids.take(ReviewRound)[0]
            rounds[(kind, year, batch)] = pk
            name = f"{year}年度集中申报第{batch}批" if kind == "annual" else f"{year}年临时个别项目"
            at = dt.datetime(year, 1, 1, 9, tzinfo=dt.UTC)
            round_rows.append((pk, j.pk, "approval", kind, year, batch, name, opens, closes,
                               office[0], at))  # fmt: skip
            ctx.event(at, office[0], "round_create", "设立评审批次", subject_type="reviewround",
                      subject_id=pk, comment=name)  # fmt: skip
    bulk_insert(ReviewRound, ("id", "jurisdiction_id", "occasion", "kind", "year", "batch",
                              "name", "opens_on", "closes_on", "created_by_id", "created_at"),
                round_rows)  # fmt: skip

    projects = Project.objects.filter(jurisdiction=j).values_list(
        "pk", "department_id", "protection_level", "total_investment", "approved_amount",
        "channel", "name", "status",
    )  # fmt: skip
    w = {code: weight for code, _, weight in DEFAULT_CRITERIA}
    criterion_names = {code: name for code, name, _ in DEFAULT_CRITERIA}
    rows = defaultdict(list)
    decided_items = defaultdict(list)  # meeting date -> [(item data)]
    open_items = []
    for pk, dept, level, total, approved, channel, name, status in projects:
        for accepted, decided in _episodes(ctx.history.get(pk, [])):
            review_id = ids.take(Review)[0]
            year, opened = accepted.at.year, accepted.at
            round_key = ("annual", year, 1 if opened.month <= 6 else 2)
            if channel != "annual":
                round_key = ("adhoc", year, 1)
            end = decided.at if decided else ctx.now
            span = end - opened
            by = accepted.actor_id
            decision = DECISIONS[decided.action] if decided else ""
            final = approved if decision == Outcome.APPROVE else None
            rows["review"].append(
                (review_id, pk, rounds[round_key], "approval", "decided" if decided else "open",
                 opened, by, decision, decided.at if decided else None,
                 decided.actor_id if decided else None, decided.comment if decided else "",
                 final, "")
            )  # fmt: skip
            ctx.event(opened, by, "review_open", "进入评审批次", subject_type="review",
                      subject_id=review_id, project_id=pk)  # fmt: skip
            progress = 1.0 if decided else rng.random()  # share of the work done if open
            # Opinions.
            functions = [ReviewFunction.SECURITY, ReviewFunction.TECHNICAL, ReviewFunction.FISCAL]
            if level and level >= 3:
                functions.append(ReviewFunction.CRYPTOGRAPHY)
            for function in functions:
                org_id, signers = units[function]
                task_id = ids.take(ReviewTask)[0]
                signed = opened + span * (0.1 + 0.4 * rng.random())
                done = decided or (rng.random() < progress and signed < ctx.now)
                rows["task"].append((task_id, review_id, function, org_id, opened + H,
                                     signed if done else None))  # fmt: skip
                if done:
                    signer = rng.choice(signers)
                    amount = None
                    if function == ReviewFunction.FISCAL:
                        amount = final if final is not None else total
                    conclusion = "agree" if decision != Outcome.REJECT else "agree_with_conditions"
                    opinion_id = ids.take(Opinion)[0]
                    rows["opinion"].append((opinion_id, task_id, 1, conclusion,
                                            OPINION_TEXTS[function], amount, "", "", signer,
                                            signed))  # fmt: skip
                    ctx.event(signed, signer, "opinion_sign", "出具意见",
                              subject_type="opinion", subject_id=opinion_id, project_id=pk,
                              data={"conclusion": conclusion, "recommended_amount": amount})  # fmt: skip
            # The expert panel.
            panel_id = ids.take(Panel)[0]
            drawn = opened + span * 0.05
            chosen = _pick(rng, weighted, 5, dept)
            totals = []
            for expert in chosen:
                seat_id = ids.take(PanelMember)[0]
                scored_at = opened + span * (0.2 + 0.5 * rng.random())
                done = decided or (rng.random() < progress * 0.8 and scored_at < ctx.now)
                seat_total = None
                if done:
                    base = rng.randint(62, 92)
                    values = {code: Decimal(min(100, max(0, base + rng.randint(-8, 8))))
                              for code in w}  # fmt: skip
                    seat_total = (sum(values[c] * w[c] for c in w) / 100).quantize(TWO)
                    for code, weight in w.items():
                        rows["score"].append((ids.take(Score)[0], seat_id, code,
                                              criterion_names[code], weight, values[code]))  # fmt: skip
                    totals.append(seat_total)
                    ctx.event(scored_at, expert_user[expert], "score", "专家评分",
                              subject_type="panelmember", subject_id=seat_id, project_id=pk,
                              data={"total": seat_total})  # fmt: skip
                rows["seat"].append((seat_id, panel_id, expert, drawn, None, "",
                                     scored_at if done else None, seat_total,
                                     rng.choice(COMMENTS) if done else ""))  # fmt: skip
                if not done:
                    ctx.notify(expert_user[expert], drawn, f"您被抽取为评审专家：{name}",
                               "/review/mine/", read=False)  # fmt: skip
            closed = decided is not None
            score = None
            if closed:
                ordered = sorted(totals)[1:-1]
                score = (sum(ordered) / len(ordered)).quantize(TWO, ROUND_HALF_UP)
            rows["panel"].append((panel_id, review_id, by, drawn,
                                  opened + span * 0.75 if closed else None, score))  # fmt: skip
            ctx.event(drawn, by, "panel_draw", "随机抽取评审专家", subject_type="panel",
                      subject_id=panel_id, project_id=pk)  # fmt: skip
            if closed:
                ctx.event(opened + span * 0.75, by, "panel_close", "结束专家评审",
                          subject_type="panel", subject_id=panel_id, project_id=pk,
                          data={"score": score, "experts": 5, "trimmed": True})  # fmt: skip
                decided_items[decided.at.date()].append((review_id, pk, dept, decision, decided))
            elif progress > 0.6 and status == State.IN_REVIEW:
                open_items.append((review_id, pk, dept))
    _meetings(ctx, rows, decided_items, open_items, committee, office)
    _write(rows)
    ctx.log(f"  {j.name}: {len(rows['review'])} 个评审，{len(rows['meeting'])} 次联审会议，"
            f"{len(rows['vote'])} 张表决票，{len(rows['score'])} 项专家评分")  # fmt: skip


def _meetings(ctx, rows, decided_items, open_items, committee, office):
    """Meetings of up to 30 items: decided items on a meeting held by the decision date."""
    rng = ctx.rng
    groups, current = [], []
    for day in sorted(decided_items):
        current.extend(decided_items[day])
        if len(current) >= rng.randint(12, 30):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    committee_ids = [u for u, _ in committee]
    org_of = dict(committee)
    for items in groups:
        held = min(d[4].at for d in items).replace(hour=9, minute=30)
        meeting_id, seats = _meeting(ctx, rows, held, committee_ids, office, open_=False)
        present = [u for u, here in seats if here]
        for order, (review_id, pk, dept, decision, decided) in enumerate(items, start=1):
            voters = [u for u in present if org_of[u] != dept]
            item_id = ids.take(AgendaItem)[0]
            closed = held + dt.timedelta(minutes=10 * order)
            tally = _votes(ctx, rows, item_id, pk, voters, decision, held, closed)
            tally.update(members=len(seats), present=len(present),
                         recused=len(present) - len(voters))  # fmt: skip
            rows["item"].append((item_id, meeting_id, review_id, order, held - 2 * H, closed,
                                 decision, True, tally))  # fmt: skip
            ctx.event(held - 2 * H, office[0], "agenda_add", "列入联审会议议程",
                      subject_type="agendaitem", subject_id=item_id, project_id=pk)  # fmt: skip
            ctx.event(closed, office[0], "item_close", "结束议题表决", subject_type="agendaitem",
                      subject_id=item_id, project_id=pk, to_state=decision, data=tally)  # fmt: skip
            ctx.event(decided.at, decided.actor_id, "review_decide", "记录联审决定",
                      subject_type="review", subject_id=review_id, project_id=pk,
                      to_state=decision, data={"item": item_id})  # fmt: skip
    # The next meeting: today, with open items and some votes cast.
    held = ctx.now.replace(hour=9, minute=30)
    meeting_id, seats = _meeting(ctx, rows, held, committee_ids, office, open_=True)
    present = [u for u, here in seats if here]
    for order, (review_id, pk, dept) in enumerate(open_items[-30:], start=1):
        item_id = ids.take(AgendaItem)[0]
        rows["item"].append((item_id, meeting_id, review_id, order, held - 24 * H, None, "",
                             False, {}))  # fmt: skip
        ctx.event(held - 24 * H, office[0], "agenda_add", "列入联审会议议程",
                  subject_type="agendaitem", subject_id=item_id, project_id=pk)  # fmt: skip
        voters = [u for u in present if org_of[u] != dept and rng.random() < 0.5]
        _votes(ctx, rows, item_id, pk, voters, Outcome.APPROVE, held, held + H)


def _meeting(ctx, rows, held, committee_ids, office, open_):
    rng = ctx.rng
    meeting_id = ids.take(Meeting)[0]
    title = f"{ctx.jurisdiction.name}政务信息化项目联审会议（{held:%Y年%m月%d日}）"
    rows["meeting"].append((meeting_id, ctx.jurisdiction.pk, title, held.date(),
                            "市政府第三会议室", office[0], held - 72 * H))  # fmt: skip
    ctx.event(held - 72 * H, office[0], "meeting_create", "安排联审会议",
              subject_type="meeting", subject_id=meeting_id, comment=title)  # fmt: skip
    absent = set(rng.sample(committee_ids, rng.randint(0, 2)))
    seats = []
    for user_id in committee_ids:
        here = user_id not in absent
        rows["member"].append((ids.take(MeetingMember)[0], meeting_id, user_id, here))
        seats.append((user_id, here))
        ctx.notify(user_id, held - 72 * H, f"请参加联审会议：{title}", "/review/votes/",
                   read=not open_)  # fmt: skip
    return meeting_id, seats


def _votes(ctx, rows, item_id, project_id, voters, decision, held, closed) -> dict:
    """Votes of ``voters`` whose majority gives ``decision`` (SPEC §4 vote rule)."""
    rng, n = ctx.rng, len(voters)
    dissent = rng.randint(0, max(0, (n - 1) // 2 - 1))  # the decision keeps a clear majority
    others = [c for c in Outcome.values if c != decision]
    counts = {c: 0 for c in Outcome.values}
    for k, voter in enumerate(voters):
        choice = decision if k >= dissent else rng.choice(others)
        if decision == Outcome.SEND_BACK and choice == Outcome.REJECT:
            choice = Outcome.APPROVE  # keep send-back ahead of reject
        counts[choice] += 1
        vote_id = ids.take(Vote)[0]
        at = held + dt.timedelta(minutes=rng.randint(1, 9))
        at = min(at, closed)
        rows["vote"].append((vote_id, item_id, voter, choice, "", at))
        ctx.event(at, voter, "vote", "委员表决", subject_type="vote", subject_id=vote_id,
                  project_id=project_id, data={"item": item_id, "choice": choice})  # fmt: skip
    return dict(counts)


def _write(rows):
    bulk_insert(Review, ("id", "project_id", "round_id", "occasion", "status", "opened_at",
                         "opened_by_id", "decision", "decided_at", "decided_by_id",
                         "decision_comment", "approved_amount", "amount_override_reason"),
                rows["review"])  # fmt: skip
    bulk_insert(ReviewTask, ("id", "review_id", "function", "organisation_id", "assigned_at",
                             "completed_at"), rows["task"])  # fmt: skip
    bulk_insert(Opinion, ("id", "task_id", "version", "conclusion", "text",
                          "recommended_amount", "attachment", "correction_reason",
                          "signed_by_id", "signed_at"), rows["opinion"])  # fmt: skip
    bulk_insert(Panel, ("id", "review_id", "drawn_by_id", "drawn_at", "closed_at", "score"),
                rows["panel"])  # fmt: skip
    bulk_insert(PanelMember, ("id", "panel_id", "expert_id", "assigned_at", "replaced_at",
                              "replaced_reason", "scored_at", "total", "comment"),
                rows["seat"])  # fmt: skip
    bulk_insert(Score, ("id", "member_id", "criterion", "criterion_name", "weight", "value"),
                rows["score"])  # fmt: skip
    bulk_insert(Meeting, ("id", "jurisdiction_id", "title", "held_on", "location",
                          "created_by_id", "created_at"), rows["meeting"])  # fmt: skip
    bulk_insert(MeetingMember, ("id", "meeting_id", "user_id", "present"), rows["member"])
    bulk_insert(AgendaItem, ("id", "meeting_id", "review_id", "order", "added_at", "closed_at",
                             "result", "quorum_met", "tally"), rows["item"])  # fmt: skip
    bulk_insert(Vote, ("id", "item_id", "member_id", "choice", "conditions", "cast_at"),
                rows["vote"])  # fmt: skip


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@dataset_check
def votes_are_members(scale):
    """One vote per member, cast by a present, non-recused member of the item's meeting."""
    bad = _rows("""
        SELECT v.id FROM review_vote v
        JOIN review_agendaitem i ON i.id = v.item_id
        JOIN review_review r ON r.id = i.review_id
        JOIN projects_project p ON p.id = r.project_id
        JOIN core_user u ON u.id = v.member_id
        LEFT JOIN review_meetingmember m
               ON m.meeting_id = i.meeting_id AND m.user_id = v.member_id AND m.present
        WHERE m.id IS NULL OR u.organisation_id = p.department_id ORDER BY v.id LIMIT 5""")
    twice = _rows("SELECT item_id, member_id FROM review_vote GROUP BY item_id, member_id "
                  "HAVING COUNT(*) > 1 LIMIT 5")  # fmt: skip
    return [f"表决票 #{pk} 不是出席且无需回避的委员所投" for (pk,) in bad] + [
        f"议题 #{item} 委员 #{member} 投了多票" for item, member in twice
    ]


@dataset_check
def decisions_follow_votes(scale):
    """A decided approval review (the only occasion with a meeting) has a closed item with quorum whose result is the decision, and the
    votes counted give that result; an approved project's amount is within its request."""
    problems = []
    for pk, decision in _rows("""
        SELECT r.id, r.decision FROM review_review r WHERE r.status = 'decided'
            AND r.occasion = 'approval' AND NOT EXISTS (
            SELECT 1 FROM review_agendaitem i WHERE i.review_id = r.id AND i.quorum_met
            AND i.closed_at IS NOT NULL AND i.result = r.decision) LIMIT 5"""):
        problems.append(f"评审 #{pk} 的决定“{decision}”没有对应的会议表决结果")
    for item, result, approve, total in _rows("""
        SELECT i.id, i.result, SUM(CASE WHEN v.choice = 'approve' THEN 1 ELSE 0 END), COUNT(v.id)
        FROM review_agendaitem i JOIN review_vote v ON v.item_id = i.id
        WHERE i.closed_at IS NOT NULL GROUP BY i.id, i.result
        HAVING (i.result = 'approve') <> (2 * SUM(CASE WHEN v.choice = 'approve' THEN 1 ELSE 0
                                                  END) > COUNT(v.id)) LIMIT 5"""):
        problems.append(f"议题 #{item} 结果“{result}”与计票（同意 {approve}/{total}）不符")
    for (pk,) in _rows("""SELECT id FROM projects_project WHERE approved_amount IS NOT NULL
                          AND approved_amount > total_investment LIMIT 5"""):
        problems.append(f"项目 #{pk} 核定投资超过申报总投资")
    for (pk,) in _rows("""
        SELECT p.id FROM projects_project p WHERE (p.status = 'in_review'
            OR (p.status = 'suspended' AND p.suspended_from = 'in_review')) AND NOT EXISTS (
            SELECT 1 FROM review_review r WHERE r.project_id = p.id AND r.status = 'open')
        LIMIT 5"""):
        problems.append(f"项目 #{pk} 在联合评审中却没有进行中的评审")
    return problems
