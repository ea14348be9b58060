"""The joint-review meeting: members, agenda, attendance, votes and closing an item."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.models import Role
from core.permissions import WorkflowError, require
from core.services import notify

from .. import selectors
from ..calendar import meeting_date_refusal
from ..models import (
    AgendaItem,
    Meeting,
    MeetingMember,
    Outcome,
    Review,
    Vote,
)
from ..permissions import can_manage_review, can_vote


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
    # The meeting row first: vote_cast and item_close lock it too (select_related FOR UPDATE),
    # so attendance never changes while a vote is cast or an item's tally is taken.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
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
    if refusal := meeting_date_refusal(item.meeting, "结束表决"):
        raise WorkflowError(refusal)
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
