"""Everything that changes a review: rounds, opinions, panels, scores, meetings, votes
and the decision, which fires the project transition through ``project_transition``."""

import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.models import Organisation, Role, User
from core.permissions import WorkflowError, require
from core.selectors import department_users
from core.services import notify
from core.uploads import check_upload
from projects.services import project_transition

from . import selectors
from .models import (
    AgendaItem,
    Expert,
    Function,
    Meeting,
    MeetingMember,
    Opinion,
    Outcome,
    Panel,
    PanelMember,
    Review,
    ReviewRound,
    ReviewTask,
    Score,
    Vote,
)
from .permissions import can_give_opinion, can_manage_review, can_score, can_vote

TWO = Decimal("0.01")


def _review_url(review):
    return f"/review/{review.pk}/"


def _unit_users(organisation_id):
    return User.objects.filter(
        organisation_id=organisation_id, roles__code=Role.REVIEWER, is_active=True
    ).distinct()


@transaction.atomic
def round_create(
    *,
    jurisdiction,
    kind,
    year,
    batch,
    by,
    opens_on=None,
    closes_on=None,
    occasion="approval",
    name="",
) -> ReviewRound:
    require(can_manage_review(by, jurisdiction.pk))
    if kind == ReviewRound.Kind.ANNUAL and not (opens_on and closes_on):
        raise WorkflowError("年度集中申报批次须设定申报窗口的起止日期")
    if opens_on and closes_on and closes_on < opens_on:
        raise WorkflowError("申报窗口截止日期不能早于开始日期")
    if ReviewRound.objects.filter(
        jurisdiction=jurisdiction, occasion=occasion, kind=kind, year=year, batch=batch
    ).exists():
        raise WorkflowError(f"{year}年第{batch}批已存在")
    if not name:
        name = (
            f"{year}年度集中申报第{batch}批"
            if kind == ReviewRound.Kind.ANNUAL
            else f"{year}年临时个别项目第{batch}批"
        )
    round_ = ReviewRound.objects.create(
        jurisdiction=jurisdiction,
        occasion=occasion,
        kind=kind,
        year=year,
        batch=batch,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    audit_record(
        by=by,
        subject=round_,
        action="round_create",
        action_label="设立评审批次",
        comment=name,
        data={"opens_on": opens_on, "closes_on": closes_on},
    )
    return round_


def _round_for(project, by) -> ReviewRound:
    """Annual projects join the round whose window held their submission; others ad hoc."""
    year = timezone.localdate().year
    if project.channel == "annual":
        day = timezone.localdate(project.submitted_at) if project.submitted_at else None
        found = selectors.open_application_round(jurisdiction_id=project.jurisdiction_id, on=day)
        if found:
            return found
    found = (
        ReviewRound.objects.filter(
            jurisdiction_id=project.jurisdiction_id, occasion="approval", kind="adhoc", year=year
        )
        .order_by("-batch")
        .first()
    )
    return found or ReviewRound.objects.create(
        jurisdiction_id=project.jurisdiction_id,
        occasion="approval",
        kind="adhoc",
        year=year,
        batch=1,
        name=f"{year}年临时个别项目第1批",
        created_by=by,
    )


def review_open(*, project, by, round=None, occasion="approval") -> Review:
    """Put an accepted project in a round and assign its required opinions (SPEC §4).

    Called by ``projects.services.project_accept_for_review`` inside its transaction.
    """
    round_ = round or _round_for(project, by)
    now = timezone.now()
    review = Review.objects.create(
        project=project, round=round_, occasion=occasion, opened_at=now, opened_by=by
    )
    functions = selectors.required_functions(project=project, occasion=occasion)
    for function in functions:
        unit = Organisation.objects.filter(
            jurisdiction_id=project.jurisdiction_id, review_function=function
        ).first()
        if unit is None:
            raise WorkflowError(f"本辖区未设置{Function(function).label}审查单位，无法分派意见")
        ReviewTask.objects.create(
            review=review, function=function, organisation=unit, assigned_at=now
        )
        notify(
            users=_unit_users(unit.pk),
            text=f"请出具{Function(function).label}意见：{project.name}",
            url=_review_url(review),
        )
    audit_record(
        by=by,
        subject=review,
        project=project,
        action="review_open",
        action_label="进入评审批次",
        comment=round_.name,
        data={"functions": functions},
    )
    return review


@transaction.atomic
def opinion_sign(
    *, task, conclusion, text, by, recommended_amount=None, attachment=None, correction_reason=""
) -> Opinion:
    """Sign an opinion. A second signature is a correction and needs a reason."""
    task = ReviewTask.objects.select_for_update().select_related("review__project").get(pk=task.pk)
    require(can_give_opinion(by, task))
    if conclusion not in Opinion.Conclusion.values:
        raise WorkflowError("请选择审查结论")
    if not text.strip():
        raise WorkflowError("请填写审查意见")
    if task.function == Function.FISCAL and recommended_amount is None:
        raise WorkflowError("财政评审意见须填写建议金额")
    if recommended_amount is not None and recommended_amount < 0:
        raise WorkflowError("建议金额不能为负数")
    if attachment:
        attachment.name, _ = check_upload(attachment)
    last = task.opinions.aggregate(v=Max("version"))["v"] or 0
    if last and not correction_reason.strip():
        raise WorkflowError("意见已签署，更正须说明理由")
    opinion = Opinion.objects.create(
        task=task,
        version=last + 1,
        conclusion=conclusion,
        text=text.strip(),
        recommended_amount=recommended_amount,
        attachment=attachment or "",
        correction_reason=correction_reason.strip(),
        signed_by=by,
        signed_at=timezone.now(),
    )
    if not task.completed_at:
        task.completed_at = opinion.signed_at
        task.save(update_fields=["completed_at"])
    audit_record(
        by=by,
        subject=opinion,
        project=task.review.project,
        action="opinion_correct" if last else "opinion_sign",
        action_label=f"更正{task.get_function_display()}意见"
        if last
        else f"出具{task.get_function_display()}意见",
        comment=opinion.text,
        data={
            "conclusion": conclusion,
            "version": opinion.version,
            "recommended_amount": recommended_amount,
            "reason": opinion.correction_reason,
        },
    )
    return opinion


def eligible_experts(review):
    """The pool minus experts employed by the applicant or who declared a conflict with it."""
    department = review.project.department_id
    return (
        Expert.objects.filter(jurisdiction_id=review.project.jurisdiction_id, active=True)
        .exclude(employer_id=department)
        .exclude(user__organisation_id=department)
        .exclude(conflicts=department)
        .select_related("user")
        .order_by("id")
    )


@transaction.atomic
def panel_draw(*, review, size, by, rng=None) -> Panel:
    review = Review.objects.select_for_update().select_related("project").get(pk=review.pk)
    require(can_manage_review(by, review.project.jurisdiction_id))
    if review.status != Review.Status.OPEN:
        raise WorkflowError("评审已结束，不能抽取专家")
    if Panel.objects.filter(review=review).exists():
        raise WorkflowError("该项目已抽取专家组")
    if size < 1:
        raise WorkflowError("专家人数至少为1人")
    candidates = list(eligible_experts(review))
    if len(candidates) < size:
        raise WorkflowError(f"符合回避要求的专家只有{len(candidates)}人，不足{size}人")
    chosen = (rng or random.SystemRandom()).sample(candidates, size)
    now = timezone.now()
    panel = Panel.objects.create(review=review, drawn_by=by, drawn_at=now)
    PanelMember.objects.bulk_create(
        PanelMember(panel=panel, expert=e, assigned_at=now) for e in chosen
    )
    audit_record(
        by=by,
        subject=panel,
        project=review.project,
        action="panel_draw",
        action_label="随机抽取评审专家",
        data={"experts": [str(e) for e in chosen]},
    )
    notify(
        users=[e.user for e in chosen],
        text=f"您被抽取为评审专家：{review.project.name}",
        url="/review/mine/",
    )
    return panel


@transaction.atomic
def panel_replace(*, member, reason, by) -> PanelMember:
    """Replace a drawn expert with another random eligible one, stating why."""
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__review__project", "expert__user")
        .get(pk=member.pk)
    )
    review = member.panel.review
    require(can_manage_review(by, review.project.jurisdiction_id))
    if not reason.strip():
        raise WorkflowError("替换专家须说明理由")
    if member.replaced_at or member.scored_at or member.panel.closed_at:
        raise WorkflowError("只能替换尚未评分的在组专家")
    taken = member.panel.members.values("expert_id")
    candidates = list(eligible_experts(review).exclude(pk__in=taken))
    if not candidates:
        raise WorkflowError("专家库中没有可替换的符合回避要求的专家")
    now = timezone.now()
    member.replaced_at, member.replaced_reason = now, reason.strip()
    member.save(update_fields=["replaced_at", "replaced_reason"])
    new = PanelMember.objects.create(
        panel=member.panel, expert=random.SystemRandom().choice(candidates), assigned_at=now
    )
    audit_record(
        by=by,
        subject=member.panel,
        project=review.project,
        action="panel_replace",
        action_label="替换评审专家",
        comment=reason.strip(),
        data={"out": str(member.expert), "in": str(new.expert)},
    )
    notify(
        users=[new.expert.user],
        text=f"您被抽取为评审专家：{review.project.name}",
        url="/review/mine/",
    )
    return new


@transaction.atomic
def score_submit(*, member, values: dict, by, comment="") -> PanelMember:
    """Record an expert's score per criterion; the weighted total is kept on the seat."""
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__review__project", "expert")
        .get(pk=member.pk)
    )
    require(can_score(by, member))
    project = member.panel.review.project
    criteria = selectors.criteria_for(
        jurisdiction_id=project.jurisdiction_id, occasion=member.panel.review.occasion
    )
    rows = []
    for code, name, weight in criteria:
        value = values.get(code)
        if value is None:
            raise WorkflowError(f"请为“{name}”评分")
        value = Decimal(value)
        if not Decimal(0) <= value <= Decimal(100):
            raise WorkflowError(f"“{name}”得分须在0到100之间")
        rows.append(
            Score(member=member, criterion=code, criterion_name=name, weight=weight, value=value)
        )
    weights = sum(r.weight for r in rows)
    total = sum(r.value * r.weight for r in rows) / weights
    Score.objects.bulk_create(rows)
    member.total = total.quantize(TWO, ROUND_HALF_UP)
    member.scored_at, member.comment = timezone.now(), comment.strip()
    member.save(update_fields=["total", "scored_at", "comment"])
    audit_record(
        by=by,
        subject=member,
        project=project,
        action="score",
        action_label="专家评分",
        data={"total": member.total, "scores": {r.criterion: r.value for r in rows}},
    )
    return member


@transaction.atomic
def panel_close(*, panel, by) -> Panel:
    panel = Panel.objects.select_for_update().select_related("review__project").get(pk=panel.pk)
    project = panel.review.project
    require(can_manage_review(by, project.jurisdiction_id))
    if panel.closed_at:
        raise WorkflowError("专家评审已结束")
    pending = panel.members.filter(replaced_at__isnull=True, scored_at__isnull=True)
    if pending.exists():
        names = "、".join(str(m.expert) for m in pending.select_related("expert__user"))
        raise WorkflowError(f"尚有专家未评分：{names}")
    settings = selectors.settings_for(project.jurisdiction_id)
    result = selectors.panel_score(panel, settings.trim_min_panel)
    panel.closed_at, panel.score = timezone.now(), result.score
    panel.save(update_fields=["closed_at", "score"])
    audit_record(
        by=by,
        subject=panel,
        project=project,
        action="panel_close",
        action_label="结束专家评审",
        data={"score": result.score, "experts": result.count, "trimmed": result.trimmed},
    )
    return panel


@transaction.atomic
def meeting_create(*, jurisdiction, title, held_on, by, members, location="") -> Meeting:
    require(can_manage_review(by, jurisdiction.pk))
    members = list(members)
    if not members:
        raise WorkflowError("请选择参会委员")
    not_committee = [str(u) for u in members if not u.has_role(Role.COMMITTEE)]
    if not_committee:
        raise WorkflowError("以下人员不是联审委员：" + "、".join(not_committee))
    meeting = Meeting.objects.create(
        jurisdiction=jurisdiction, title=title, held_on=held_on, location=location, created_by=by
    )
    MeetingMember.objects.bulk_create(MeetingMember(meeting=meeting, user=u) for u in members)
    audit_record(
        by=by,
        subject=meeting,
        action="meeting_create",
        action_label="安排联审会议",
        comment=title,
        data={"members": [str(u) for u in members]},
    )
    notify(users=members, text=f"请参加联审会议：{title}（{held_on}）", url="/review/votes/")
    return meeting


@transaction.atomic
def agenda_add(*, meeting, review, by) -> AgendaItem:
    require(can_manage_review(by, meeting.jurisdiction_id))
    if review.status != Review.Status.OPEN:
        raise WorkflowError("只有评审中的项目可以列入议程")
    if review.project.jurisdiction_id != meeting.jurisdiction_id:
        raise WorkflowError("只能列入本辖区的项目")
    if AgendaItem.objects.filter(meeting=meeting, review=review).exists():
        raise WorkflowError("该项目已在本次会议议程中")
    if AgendaItem.objects.filter(review=review, closed_at__isnull=False, quorum_met=True).exists():
        raise WorkflowError("该项目已在会议上完成有效表决，请按表决结果记录决定，不能再次上会")
    order = (meeting.items.aggregate(n=Max("order"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, review=review, order=order, added_at=timezone.now()
    )
    audit_record(
        by=by,
        subject=item,
        project=review.project,
        action="agenda_add",
        action_label="列入联审会议议程",
        comment=meeting.title,
    )
    return item


@transaction.atomic
def attendance_set(*, meeting, user, present: bool, by) -> MeetingMember:
    require(can_manage_review(by, meeting.jurisdiction_id))
    seat = MeetingMember.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if seat is None:
        raise WorkflowError(f"{user}不是本次会议的委员")
    if meeting.items.filter(closed_at__isnull=False).exists():
        raise WorkflowError("已有议题结束表决，不能再修改出席情况")
    seat.present = present
    seat.save(update_fields=["present"])
    audit_record(
        by=by,
        subject=meeting,
        action="attendance",
        action_label="登记出席" if present else "登记缺席",
        comment=str(user),
    )
    return seat


def vote_cast(*, item, member, choice, by, conditions="") -> Vote:
    """Cast or change a vote; the item row lock serialises a member's concurrent clicks."""
    if by.pk != member.pk:
        raise WorkflowError("只能本人表决")
    if choice not in Outcome.values:
        raise WorkflowError("请选择同意、不同意或退回补充")
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update()
            .select_related("review__project", "meeting")
            .get(pk=item.pk)
        )
        seat = MeetingMember.objects.filter(meeting_id=item.meeting_id, user=member).first()
        require(can_vote(member, item, seat))
        vote, created = Vote.objects.update_or_create(
            item=item,
            member=member,
            defaults={
                "choice": choice,
                "conditions": conditions.strip(),
                "cast_at": timezone.now(),
            },
        )
        audit_record(
            by=by,
            subject=vote,
            project=item.review.project,
            action="vote" if created else "vote_change",
            action_label="委员表决" if created else "委员改票",
            comment=vote.conditions,
            data={"item": item.pk, "choice": choice},
        )
    return vote


@transaction.atomic
def item_close(*, item, by) -> AgendaItem:
    """End voting on an item; the result is computed from the votes, never typed."""
    item = (
        AgendaItem.objects.select_for_update()
        .select_related("review__project", "meeting")
        .get(pk=item.pk)
    )
    require(can_manage_review(by, item.meeting.jurisdiction_id))
    if item.closed_at:
        raise WorkflowError("该议题已结束表决")
    tally = selectors.item_tally(item)
    item.closed_at, item.result, item.quorum_met = timezone.now(), tally.result, tally.quorum_met
    item.tally = {
        "members": tally.members,
        "present": tally.present,
        "recused": tally.recused,
        "approve": tally.approve,
        "reject": tally.reject,
        "send_back": tally.send_back,
    }
    item.save(update_fields=["closed_at", "result", "quorum_met", "tally"])
    audit_record(
        by=by,
        subject=item,
        project=item.review.project,
        action="item_close",
        action_label="结束议题表决",
        to_state=tally.result,
        data={**item.tally, "quorum_met": tally.quorum_met},
    )
    return item


def _decision_guard(item_id, decision):
    def guard(project):
        item = AgendaItem.objects.select_for_update().select_related("review").get(pk=item_id)
        review = Review.objects.select_for_update().get(pk=item.review_id)
        if review.status != Review.Status.OPEN:
            raise WorkflowError("该评审已作出决定")
        missing = selectors.missing_opinions(review)
        if missing:
            raise WorkflowError("尚缺书面意见：" + "、".join(missing) + "，不能作出决定")
        panel = Panel.objects.filter(review=review).first()
        if panel is None or panel.closed_at is None:
            raise WorkflowError("专家评审尚未结束，不能作出决定")
        if item.closed_at is None:
            raise WorkflowError("会议尚未结束该议题的表决，不能作出决定")
        if not item.quorum_met:
            raise WorkflowError("会议出席委员未达到法定人数，表决无效，不能作出决定")
        if decision != item.result:
            result = Outcome(item.result).label if item.result else "无有效表决"
            raise WorkflowError(f"决定“{Outcome(decision).label}”与会议表决结果“{result}”不一致")

    return guard


def review_decide(*, item, decision, by, comment="", amount=None, override_reason="") -> Review:
    """Record the committee's decision and fire approve / reject / send_back on the project."""
    if decision not in Outcome.values:
        raise WorkflowError("请选择决定")
    review = item.review
    with transaction.atomic():
        final_amount = None
        if decision == Outcome.APPROVE:
            default = selectors.default_approved_amount(review)
            final_amount = default if amount is None else amount
            if final_amount != default and not override_reason.strip():
                raise WorkflowError(
                    "核定投资与默认金额（申报金额与财评建议的较低者）不同，须说明调整理由"
                )
            if final_amount <= 0 or final_amount > review.project.total_investment:
                raise WorkflowError("核定投资须大于0且不超过申报总投资")

        def after(project):
            if final_amount is not None:
                project.approved_amount = final_amount

        project = project_transition(
            project=review.project,
            action=decision,
            by=by,
            comment=comment,
            guard=_decision_guard(item.pk, decision),
            after=after,
        )
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.status, review.decision = Review.Status.DECIDED, decision
        review.decided_at, review.decided_by = timezone.now(), by
        review.decision_comment = comment.strip()
        review.approved_amount = final_amount
        review.amount_override_reason = override_reason.strip()
        review.save()
        audit_record(
            by=by,
            subject=review,
            project=project,
            action="review_decide",
            action_label="记录联审决定",
            to_state=decision,
            comment=comment,
            data={
                "approved_amount": final_amount,
                "override_reason": override_reason,
                "item": item.pk,
            },
        )
        text = f"联审决定：{project.name} {Outcome(decision).label}"
        if final_amount is not None:
            text += f"，核定投资 {final_amount:,.2f} 元"
        notify(users=department_users(project), text=text, url=f"/projects/{project.pk}/")
    return review
