"""The demo on a plausible annual calendar (issue 9 item 1), for 湘潭市 and 海州区.

Every project gets a list of dated steps (draft, confirm and submit inside a batch's
application window, acceptance, opinions, expert scoring, the meeting's votes on its day,
the decision that day, listing, contract, start of construction, payments) and all steps of
a jurisdiction run in date order, each under ``time_machine`` at its own moment and through
the services, so the audit chain, the cycle times and the date guards see a history that
could have happened. Steps dated after now do not happen: the project waits there.

Batches: two years ago and last year (projects now in construction, so acceptance,
post-evaluation and monthly returns have a history), this year's first batch (approved in
the summer: some await listing, some a contract, some build), and this year's second batch
whose window is open now, with an upcoming meeting and experts still scoring.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from django.db import transaction
from django.utils import timezone

from budget import demo as budget_demo
from budget import services as budget
from core.models import Jurisdiction
from projects import demo as projects_demo
from projects import rules
from projects import services as projects
from projects.models import Project
from review import demo as review_demo
from review import selectors as review_selectors
from review import services as review
from review.recusal import member_recused

D = Decimal
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Batch:
    key: str
    year: int
    batch: int
    opens: dt.date
    closes: dt.date
    meeting: dt.date


def batches(today: dt.date) -> dict[str, Batch]:
    y = today.year
    return {
        "y2": Batch(
            "y2", y - 2, 1, dt.date(y - 2, 1, 8), dt.date(y - 2, 3, 15), dt.date(y - 2, 5, 20)
        ),
        "y1": Batch(
            "y1", y - 1, 1, dt.date(y - 1, 1, 8), dt.date(y - 1, 3, 14), dt.date(y - 1, 5, 21)
        ),
        "b1": Batch("b1", y, 1, dt.date(y, 2, 10), dt.date(y, 4, 10), dt.date(y, 6, 18)),
        "b2": Batch(
            "b2",
            y,
            2,
            today - dt.timedelta(days=62),
            today + dt.timedelta(days=20),
            weekday(today + dt.timedelta(days=6)),
        ),
    }


def weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour=9.5) -> dt.datetime:
    """A working moment of ``day`` (Beijing time), never on a weekend."""
    return dt.datetime.combine(weekday(day), dt.time(int(hour), int(hour % 1 * 60)), tzinfo=TZ)


@dataclass
class Calendar:
    """The steps of one jurisdiction, run in date order."""

    steps: list = field(default_factory=list)

    def add(self, when, step, track=None):
        self.steps.append((when, len(self.steps), step, track))

    def run(self, now):
        stopped = set()
        for when, _, step, track in sorted(self.steps, key=lambda s: (s[0], s[1])):
            if track is not None and id(track) in stopped:
                continue
            if when > now:
                if track is not None:
                    stopped.add(id(track))  # the rest of this project's story is still ahead
                continue
            # one transaction per step: notifications are sent on commit, so at the step's time
            with time_machine.travel(when, tick=False), transaction.atomic():
                step()


def days(n) -> dt.timedelta:
    return dt.timedelta(days=n)


class Story:
    """One project's dated steps; ``state`` carries the rows between them."""

    def __init__(self, jur, index, spec, ctx):
        self.jur, self.index, self.spec, self.ctx = jur, index, spec, ctx
        self.dept, self.name = spec[0], spec[1]
        self.batch = ctx.batches[spec[6]]
        self.fate = spec[7]
        self.project = self.review = self.item = self.contract = None
        self.rng = random.Random(f"{jur}-{index}")

    # People
    def user(self, name):
        return self.ctx.users[name]

    @property
    def officer(self):
        return self.user(projects_demo.officer_of(self.dept))

    @property
    def office(self):
        return self.user(projects_demo.OFFICE[self.jur])

    @property
    def finance(self):
        return self.user(projects_demo.FINANCE[self.jur])

    def refresh(self):
        self.project = Project.objects.get(pk=self.project.pk)
        return self.project

    # Plan
    def plan(self, cal: Calendar):
        b, i = self.batch, self.index
        spread = (b.closes - b.opens).days - 20 if self.batch.key != "b2" else 14
        created = at(b.opens + days(3 + (i * 7) % max(spread, 5)))
        add = lambda when, step: cal.add(when, step, self)  # noqa: E731
        add(created, self.write)
        if self.fate in ("draft", "draft_incomplete"):
            return
        submitted = at(created.date() + days(2 + i % 4), 15)
        add(submitted, self.submit)
        if self.fate == "submitted":
            return
        if self.fate == "returned":
            add(at(submitted.date() + days(3), 10), self.send_back_for_changes)
            return
        accepted = at(max(submitted.date() + days(4), b.closes + days(3 + i % 5)), 10)
        if b.key == "b2":
            accepted = at(submitted.date() + days(4), 10)
        add(accepted, self.accept)
        if self.fate == "terminated" and b.key == "b1":
            add(at(accepted.date() + days(20), 16), self.terminate)
            return
        self.plan_review(add, accepted)
        if self.fate in ("opinions", "scoring", "scored", "ready", "agenda"):
            return
        meeting = at(b.meeting, 10 + (i % 4) * 0.5)
        add(meeting, self.vote)
        add(at(b.meeting, 12 + (i % 4) * 0.25), self.close_item)
        add(at(b.meeting, 16), self.decide)
        if self.fate == "rejected":
            return
        if self.fate == "suspended":
            add(at(b.meeting + days(24), 11), self.suspend)
            return
        if self.fate == "terminated":
            add(at(b.meeting + days(45), 11), self.terminate)
            return
        if self.fate == "approved":
            return
        listed = at(b.meeting + days(22 + i % 12), 10)
        add(listed, self.list_in_budget)
        if self.fate == "funded":
            return
        signed = listed.date() + days(28 + (i * 3) % 20)
        add(at(signed, 11), self.sign)
        add(at(signed + days(3), 9), self.start)
        self.plan_payments(add, signed)

    def plan_review(self, add, accepted):
        i = self.index
        for function, offset in [
            ("security", 3),
            ("technical", 5),
            ("investment", 6),
            ("cryptography", 7),
            ("fiscal", 12),
        ]:
            if self.fate == "opinions" and function not in ("security", "technical"):
                continue
            add(at(accepted.date() + days(offset + i % 3), 14.5), lambda f=function: self.opine(f))
        if self.fate == "opinions":
            return
        add(at(accepted.date() + days(2), 11), self.draw)
        for seat in range(5 if self.fate != "scoring" else 2):
            add(
                at(accepted.date() + days(5 + (seat * 2 + i) % 7), 10 + seat),
                lambda s=seat: self.score(s),
            )
        if self.fate == "scoring":  # two of five scored; the others (``expert``) still to do
            return
        if self.fate == "scored":  # every score in: the office closes the panel next
            return
        add(at(accepted.date() + days(14), 17), self.close_panel)
        if self.fate == "ready":  # opinions in, panel closed: to be put on a meeting
            return
        add(at(self.batch.meeting - days(12 - i % 3), 10), self.schedule)

    def plan_payments(self, add, signed):
        i = self.index
        first = [(signed + days(6), "create"), (signed + days(8), "submit"),
                 (signed + days(12), "verify"), (signed + days(17), "approve"),
                 (signed + days(20), "pay")]  # fmt: skip
        self.payment_steps(add, "签订合同", "1", f"{self.name}合同签订后首付款", first, 0)
        if self.fate == "building_late":
            progress = signed + days(240 + i * 9)
            steps = [(progress + days(d), a) for d, a in
                     [(0, "create"), (2, "submit"), (6, "verify"), (11, "approve"), (14, "pay")]]  # fmt: skip
            self.payment_steps(add, "初验", "0.6", "初验合格后进度款（第一批）", steps, 1)
        if self.fate == "building":
            progress = signed + days(150 + i * 5)
            last = ["approve", "verify", "submit"][i % 3]  # finance, finance, office to-dos
            actions = [(0, "create"), (2, "submit"), (5, "verify"), (9, "approve")]
            steps = [(progress + days(d), a) for d, a in actions]
            steps = steps[: [a for _, a in steps].index(last) + 1]
            self.payment_steps(add, "初验", "0.5", "系统部署完成后进度款", steps, 1)
        if self.fate == "building_queue":
            base = signed + days(40)
            self.payment_steps(
                add,
                "初验",
                "0.5",
                "硬件到货进度款",
                [(base, "create"), (base + days(2), "submit"), (base + days(6), "return")],
                1,
            )
            self.payment_steps(
                add,
                "初验",
                "0.2",
                "软件开发阶段款",
                [
                    (base + days(30), "create"),
                    (base + days(31), "submit"),
                    (base + days(35), "reject"),
                ],
                2,
            )
            self.payment_steps(add, "初验", "0.3", "系统试运行款", [(base + days(40), "create")], 3)

    def payment_steps(self, add, milestone, share, purpose, steps, slot):
        holder = {}
        for day, action in steps:
            add(
                at(day, 10 + slot * 0.5),
                lambda a=action, d=day: self.pay_step(holder, a, d, milestone, share, purpose),
            )

    # Steps
    def write(self):
        plan_item = self.ctx.plans.get((self.batch.year, self.spec[5]))
        self.project = projects_demo.draft(
            self.ctx.users, self.index, self.spec, plan_item, self.batch.year
        )

    def submit(self):
        head = self.user(projects_demo.head_of(self.dept))
        if self.project.jurisdiction.require_head_confirmation:
            projects.project_confirm(project=self.project, by=head)
        for result in rules.preflight(self.refresh()):
            if result.blocks_submit:  # a warning the department answers in writing
                projects.justification_set(
                    project=self.project,
                    rule_id=result.rule.id,
                    by=self.officer,
                    text=f"“{self.name}”面向{self.project.department.short_name}自身业务，"
                    "与相似项目的建设对象和数据范围不同，通用能力通过接口复用，不重复建设。",
                )
        self.project = projects.project_submit(project=self.refresh(), by=self.officer)

    def send_back_for_changes(self):
        projects.project_receive(project=self.project, by=self.office)
        self.project = projects.project_return(
            project=self.refresh(),
            by=self.office,
            reason=f"“{self.name}”未附与省级平台对接的接口清单，建设周期与年度任务清单不一致，"
            "请补充后重新申报。",
        )

    def accept(self):
        self.project = review.review_accept(project=self.project, by=self.office)
        self.review = self.project.reviews.get(status="open")

    def opine(self, function):
        task = self.review.tasks.filter(function=function).first()
        if task is None:
            return
        p = self.refresh()
        texts = review_demo.OPINIONS[function]
        text = texts[(self.index + len(function)) % len(texts)].format(
            level=p.protection_level,
            share=f"占总投资{(p.security_share or 0) * 100:.0f}%",
        )
        text = f"关于“{self.name}”：{text}"
        amount = None
        if function == "fiscal":
            cut = D(["0.92", "0.88", "0.95", "0.9", "0.85"][self.index % 5])
            amount = (p.total_investment * cut).quantize(D("1000"))
        conclusion = "agree_with_conditions" if function == "technical" else "agree"
        if self.fate == "rejected" and function == "investment":
            conclusion = "disagree"
            text = f"关于“{self.name}”：建设内容与省级统建系统功能重叠，不同意单独立项。"
        review.opinion_sign(
            task=task,
            version=0,
            conclusion=conclusion,
            text=text,
            recommended_amount=amount,
            by=self.user(projects_demo.REVIEWERS[self.jur][function]),
        )

    def draw(self):
        review.panel_draw(review=self.review, size=5, by=self.office, rng=self.rng)

    def score(self, seat_index):
        panel = review_selectors.panel_for(self.review)
        seats = list(panel.members.filter(replaced_at__isnull=True).select_related("expert__user"))
        if self.fate == "scoring":  # the demo ``expert`` keeps an open task
            seats = [s for s in seats if s.expert.user.username != "expert"]
        seat = seats[seat_index]
        criteria = review_selectors.criteria_for(
            jurisdiction_id=self.project.jurisdiction_id, occasion="approval"
        )
        base = self.rng.randint(58, 70) if self.fate == "rejected" else self.rng.randint(76, 91)
        comment = review_demo.EXPERT_COMMENTS[(self.index + seat_index * 3) % 7].format(
            dept=self.project.department.short_name
        )
        review.score_submit(
            member=seat,
            values={code: min(100, base + self.rng.randint(-4, 4)) for code, _, _ in criteria},
            comment=f"{self.name[:12]}：{comment}",
            by=seat.expert.user,
        )

    def close_panel(self):
        review.panel_close(panel=review_selectors.panel_for(self.review), by=self.office)

    def schedule(self):
        meeting = self.ctx.meetings[self.batch.key]
        self.item = review.agenda_add(meeting=meeting, review=self.review, by=self.office)

    def vote(self):
        committee = [self.user(u) for u in review_demo.COMMITTEES[self.jur]]
        absent = review_demo.ABSENT[self.jur]
        choices = (
            ["reject", "reject", "reject", "send_back", "reject", "approve", "reject"]
            if self.fate == "rejected"
            else ["approve"] * 7
        )
        for member, choice in zip(committee, choices, strict=False):
            if member.username == absent or member_recused(member, self.project):
                continue
            conditions = "须在上线前完成等保测评和密评。" if self.index % 3 == 0 else ""
            review.vote_cast(
                item=self.item, member=member, choice=choice, by=member, conditions=conditions
            )

    def close_item(self):
        self.item = review.item_close(item=self.item, by=self.office)

    def decide(self):
        comment = (
            f"“{self.name}”与省级统建系统功能重叠，不予立项，请使用省级系统。"
            if self.item.result == "reject"
            else ""
        )
        review.review_decide(
            item=self.item, decision=self.item.result, comment=comment, by=self.office
        )

    def suspend(self):
        self.project = projects.project_suspend(
            project=self.refresh(),
            by=self.user("leader" if self.jur == "xt" else "hz_leader"),
            reason=f"“{self.name}”与市级统一云管平台建设内容存在交叉，暂停实施，待统筹论证。",
        )

    def terminate(self):
        reason = {
            "hz": f"“{self.name}”：疫情防控政策优化调整，建设内容不再需要，终止实施。",
            "xt": f"“{self.name}”建设内容已纳入省级统建项目，本项目终止。",
        }[self.jur]
        self.project = projects.project_terminate(
            project=self.refresh(), by=self.office, reason=reason
        )

    def list_in_budget(self):
        p = self.refresh()
        year = timezone.localdate().year
        self.project = budget.list_in_budget(
            project=p, allocations=[(year, p.approved_amount)], by=self.finance
        )

    def sign(self):
        signed_on = timezone.localdate()  # the working day the contract is signed
        p = self.refresh()
        vendors = budget_demo.VENDORS[self.jur]
        vendor, method = vendors[self.index % len(vendors)]
        self.contract = budget.contract_record(
            project=p,
            by=self.officer,
            name=f"{self.name}采购合同",
            vendor=vendor,
            method=method,
            amount=(
                p.approved_amount * D(["0.96", "0.93", "0.98", "0.95"][self.index % 4])
            ).quantize(D("1")),
            signed_on=signed_on,
            milestones=budget_demo.MILESTONES,
        )

    def start(self):
        self.project = budget.project_start_construction(project=self.refresh(), by=self.officer)

    def pay_step(self, holder, action, day, milestone_name, share, purpose):
        officer, office, finance = self.officer, self.office, self.finance
        if action == "create":
            milestone = self.contract.milestones.get(name=milestone_name)
            holder["d"] = budget.disbursement_create(
                project=self.refresh(),
                milestone=milestone,
                budget_line=self.project.budget_lines.order_by("fund__year").first(),
                amount=(milestone.amount * D(share)).quantize(D("0.01")),
                purpose=purpose,
                by=officer,
            )
            return
        d = holder["d"]
        if action == "submit":
            d = budget.disbursement_submit(disbursement=d, by=officer)
        elif action == "verify":
            d = budget.disbursement_verify(disbursement=d, by=office, comment="发票、验收单齐全")
        elif action == "approve":
            d = budget.disbursement_approve(disbursement=d, by=finance)
        elif action == "pay":
            prefix = "XTCZ" if self.jur == "xt" else "HZCZ"
            d = budget.disbursement_pay(
                disbursement=d,
                by=finance,
                voucher_no=f"{prefix}-{day.year}-{d.pk:05d}",
                paid_on=timezone.localdate(),
            )
        elif action == "return":
            d = budget.disbursement_return(
                disbursement=d, by=office, reason="未附到货验收单和发票复印件，请补充后重新提交。"
            )
        elif action == "reject":
            d = budget.disbursement_reject(
                disbursement=d, by=office, reason="该阶段款项已由部门自有资金支付，不予重复拨付。"
            )
        holder["d"] = d


@dataclass
class Context:
    users: dict
    batches: dict
    plans: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)


def seed_jurisdiction(jur: str, users: dict, now=None) -> int:
    """Build one jurisdiction's history once; returns the number of projects created."""
    if Project.objects.filter(jurisdiction__code=jur).exists():
        return 0
    now = now or timezone.now()
    ctx = Context(users=users, batches=batches(timezone.localdate(now)))
    jurisdiction = Jurisdiction.objects.get(code=jur)
    office = users[projects_demo.OFFICE[jur]]
    finance = users[projects_demo.FINANCE[jur]]
    cal = Calendar()
    place = {"xt": "市政务服务中心三楼会议室", "hz": "海州区政务服务中心二楼会议室"}[jur]
    for year in sorted({b.year for b in ctx.batches.values()}):
        cal.add(at(dt.date(year, 1, 5), 9), lambda y=year: fund(y))
        cal.add(at(dt.date(year, 1, 6), 9), lambda y=year: ctx.plans.update(
            {(y, code): item for code, item in projects_demo.ensure_plan(jur, y).items()}))  # fmt: skip

    def fund(year):
        amount = D("150000000") if jur == "xt" else D("30000000")
        budget.fund_set(jurisdiction=jurisdiction, year=year, amount=amount, by=finance)

    for key, b in ctx.batches.items():
        cal.add(at(b.opens - days(7), 9), lambda b=b: review.round_create(
            jurisdiction=jurisdiction, kind="annual", year=b.year, batch=b.batch,
            opens_on=b.opens, closes_on=b.closes, by=office))  # fmt: skip
        title = f"{jurisdiction.name}{b.year}年第{b.batch}次政务信息化项目联审会议"
        cal.add(at(b.meeting - days(15), 9), lambda k=key, b=b, t=title: make_meeting(k, b, t))
        cal.add(at(b.meeting, 9), lambda k=key: attend(k))

    def make_meeting(key, b, title):
        members = [users[u] for u in review_demo.COMMITTEES[jur]]
        ctx.meetings[key] = review.meeting_create(
            jurisdiction=jurisdiction, title=title, held_on=b.meeting, location=place,
            members=members, by=office)  # fmt: skip

    def attend(key):
        for username in review_demo.COMMITTEES[jur]:
            present = username != review_demo.ABSENT[jur]
            review.attendance_set(
                meeting=ctx.meetings[key], user=users[username], present=present, by=office
            )

    specs = projects_demo.PROJECTS[jur]
    for index, spec in enumerate(specs):
        Story(jur, index, spec, ctx).plan(cal)
    cal.run(now)
    return len(specs)


def seed() -> int:
    users = {**projects_demo.ensure_users(), **review_demo.ensure_users()}
    return sum(seed_jurisdiction(jur, users) for jur in projects_demo.JURISDICTIONS)
