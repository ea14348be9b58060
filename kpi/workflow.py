"""The monthly return (进度月报) and dispatch note (调度意见) lifecycles, SPEC §7.

Return: draft → (submit) → awaiting_head when the period requires the head's confirmation,
else submitted → (accept) accepted, locked; the office may return a submitted return with a
reason (returned, editable, resubmit) and reopen an accepted one with a reason (reopened,
editable, a new version). The receipt time is set by the first submission and decides
timeliness (``kpi.metrics``). Note: open → answered → closed, or sent back → answered …
One service per transition in ``services.py``; nothing else assigns ``status``.
"""

from django.db import models
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from core.workflow import Lifecycle, available_transitions, by_predicate, guard

from . import permissions as can


class ReturnState(models.TextChoices):
    DRAFT = "draft", "待填报"
    AWAITING_HEAD = "awaiting_head", "待负责人确认"
    SUBMITTED = "submitted", "已报送待审核"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已审核"
    REOPENED = "reopened", "重新打开"


RS = ReturnState
EDITABLE_STATES = [RS.DRAFT, RS.RETURNED, RS.REOPENED]
FILED_STATES = [RS.AWAITING_HEAD, RS.SUBMITTED, RS.ACCEPTED]
RETURN_BADGES = {
    RS.DRAFT: "secondary",
    RS.AWAITING_HEAD: "info",
    RS.SUBMITTED: "primary",
    RS.RETURNED: "warning",
    RS.ACCEPTED: "success",
    RS.REOPENED: "warning",
}


def _return_audit(ret, action, label):
    return {
        "project": ret.project,
        "jurisdiction": ret.jurisdiction_id,
        "action": f"return_{action.rstrip('_')}",
        "action_label": f"月报{label}",
        "data": {"period": ret.period_key, "version": ret.version, "late_days": ret.late_days},
    }


RETURN_LIFECYCLE = Lifecycle(
    model="kpi.ProgressReturn",
    noun="月报",
    audit=_return_audit,
    related=("period", "project", "plan_item", "department"),
)


@guard("填报期未截止")
def period_open(ret, by, context):
    from django.utils import timezone

    if timezone.now() >= ret.period.closes_at:
        return f"{ret.period}填报已于 {ret.period.closes_text} 截止，不能再报送，请联系牵头部门"
    return None


@guard("必填项已填写且进度在 0–100 之间")
def complete(ret, by, context):
    missing = ret.missing_fields()
    return f"月报未填写完整：{'、'.join(missing)}" if missing else None


class ReturnWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=16, default=RS.DRAFT, choices=RS.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        status,
        source=EDITABLE_STATES,
        target=RETURN_VALUE(RS.AWAITING_HEAD, RS.SUBMITTED),
        permission=by_predicate(can.can_file_return),
        custom={"label": "报送", "style": "primary", "guards": [period_open, complete]},
    )
    def submit(self):
        return RS.AWAITING_HEAD if self.period.requires_head else RS.SUBMITTED

    @transition(
        status,
        source=RS.AWAITING_HEAD,
        target=RS.SUBMITTED,
        permission=by_predicate(can.can_confirm_return),
        custom={"label": "负责人确认", "style": "success"},
    )
    def confirm(self):
        pass

    @transition(
        status,
        source=RS.SUBMITTED,
        target=RS.ACCEPTED,
        permission=by_predicate(can.can_check_return),
        custom={"label": "审核通过", "style": "success"},
    )
    def accept(self):
        pass

    @transition(
        status,
        source=RS.SUBMITTED,
        target=RS.RETURNED,
        permission=by_predicate(can.can_check_return),
        custom={"label": "退回修改", "style": "outline-warning", "reason": True},
    )
    def return_(self):
        pass

    @transition(
        status,
        source=RS.ACCEPTED,
        target=RS.REOPENED,
        permission=by_predicate(can.can_check_return),
        custom={"label": "重新打开", "style": "outline-danger", "reason": True},
    )
    def reopen(self):
        pass


class NoteState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复待审核"
    SENT_BACK = "sent_back", "退回重办"
    CLOSED = "closed", "已办结"


NS = NoteState
PENDING_NOTE_STATES = [NS.OPEN, NS.SENT_BACK]
NOTE_BADGES = {
    NS.OPEN: "danger",
    NS.ANSWERED: "primary",
    NS.SENT_BACK: "warning",
    NS.CLOSED: "success",
}


def _note_audit(note, action, label):
    return {
        "project": note.project,
        "jurisdiction": note.jurisdiction_id,
        "action": f"dispatch_note_{action.rstrip('_')}",
        "action_label": f"调度意见{label}",
        "data": {"deadline": note.deadline, "department": note.department_id},
    }


NOTE_LIFECYCLE = Lifecycle(
    model="kpi.DispatchNote",
    noun="调度意见",
    audit=_note_audit,
    related=("project", "department"),
)


@guard("答复内容已填写")
def answered(note, by, context):
    return None if (context.get("answer") or "").strip() else "答复须填写落实情况"


class NoteWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=16, default=NS.OPEN, choices=NS.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        status,
        source=[NS.OPEN, NS.SENT_BACK],
        target=NS.ANSWERED,
        permission=by_predicate(can.can_answer_note),
        custom={"label": "答复", "style": "primary", "guards": [answered], "answer": True},
    )
    def answer(self):
        pass

    @transition(
        status,
        source=NS.ANSWERED,
        target=NS.CLOSED,
        permission=by_predicate(can.can_close_note),
        custom={"label": "办结", "style": "success"},
    )
    def close(self):
        pass

    @transition(
        status,
        source=NS.ANSWERED,
        target=NS.SENT_BACK,
        permission=by_predicate(can.can_close_note),
        custom={"label": "退回重办", "style": "outline-warning", "reason": True},
    )
    def send_back(self):
        pass


def available_actions(user, obj):
    return available_transitions(user, obj)
