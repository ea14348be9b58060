"""The rectification item's lifecycle (问题整改), declared once, top to bottom.

open (待整改) → responded (已反馈, the department's response and evidence) → closed (已销号,
the office) or back to open (退回重改, the office with a reason). One service per transition
in ``services/register.py`` fires it; nothing else assigns ``status``.
"""

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.workflow import Lifecycle, available_transitions, by_predicate, guard

from . import permissions as can


class ItemState(models.TextChoices):
    OPEN = "open", "待整改"
    RESPONDED = "responded", "已反馈待销号"
    CLOSED = "closed", "已销号"


S = ItemState
OPEN_STATES = [S.OPEN, S.RESPONDED]
ITEM_BADGES = {S.OPEN: "warning", S.RESPONDED: "info", S.CLOSED: "success"}


def _audit(item, action, label):
    return {
        "project": item.project,
        "action": f"rectification_{action.rstrip('_')}",
        "action_label": f"整改事项{label}",
        "data": {"item": item.pk, "source": item.source, "deadline": item.deadline},
    }


ITEM_LIFECYCLE = Lifecycle(
    model="acceptance.RectificationItem", noun="整改事项", audit=_audit, related=("project",)
)


@guard("已填写整改情况")
def has_response(item, by, context):
    if not (context.get("response") or "").strip():
        return "请填写整改情况"
    return None


class ItemWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=16, default=S.OPEN, choices=S.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        status,
        source=S.OPEN,
        target=S.RESPONDED,
        permission=by_predicate(can.can_respond_item),
        custom={"label": "反馈整改情况", "style": "primary", "guards": [has_response]},
    )
    def respond(self):
        pass

    @transition(
        status,
        source=S.RESPONDED,
        target=S.CLOSED,
        permission=by_predicate(can.can_close_item),
        custom={"label": "销号", "style": "success"},
    )
    def close(self):
        pass

    @transition(
        status,
        source=S.RESPONDED,
        target=S.OPEN,
        permission=by_predicate(can.can_close_item),
        custom={"label": "退回重改", "style": "outline-warning", "reason": True},
    )
    def send_back(self):
        pass


def available_actions(user, item):
    return available_transitions(user, item)
