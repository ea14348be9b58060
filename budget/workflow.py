"""The disbursement (拨付申请) lifecycle, SPEC §6, declared once, top to bottom.

draft → submitted (department) → verified (office 审核) → approved (finance) → paid
(finance records the voucher). The office or finance may send a request back to the
department (returned, editable, resubmit) or reject it for good, each with a reason.
Services in ``services.py`` fire these; nothing else assigns ``status``.
"""

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from . import permissions as can


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "退回修改"
    VERIFIED = "verified", "待审批"
    APPROVED = "approved", "已审批待支付"
    PAID = "paid", "已支付"
    REJECTED = "rejected", "不予拨付"


S = State
# States whose amounts count against the R10 ceilings.
COMMITTED_STATES = [S.APPROVED, S.PAID]
# States waiting for the office or finance.
PENDING_STATES = [S.SUBMITTED, S.VERIFIED]
EDITABLE_STATES = [S.DRAFT, S.RETURNED]
STATE_BADGES = {
    S.DRAFT: "secondary",
    S.SUBMITTED: "info",
    S.RETURNED: "warning",
    S.VERIFIED: "primary",
    S.APPROVED: "success",
    S.PAID: "success",
    S.REJECTED: "dark",
}


def _by(predicate):
    """Adapt ``can_x(user, disbursement)`` to django-fsm's ``permission(instance, user)``."""

    def permission(disbursement, user):
        return bool(predicate(user, disbursement))

    permission.predicate = predicate
    return permission


class DisbursementWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=16, default=S.DRAFT, choices=S.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        status,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        permission=_by(can.can_request_disbursement),
        custom={"label": "提交申请", "style": "primary"},
    )
    def submit(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.VERIFIED,
        permission=_by(can.can_verify_disbursement),
        custom={"label": "审核通过", "style": "success"},
    )
    def verify(self):
        pass

    @transition(
        status,
        source=S.VERIFIED,
        target=S.APPROVED,
        permission=_by(can.can_approve_disbursement),
        custom={"label": "审批同意", "style": "success"},
    )
    def approve(self):
        pass

    @transition(
        status,
        source=S.APPROVED,
        target=S.PAID,
        permission=_by(can.can_approve_disbursement),
        custom={"label": "登记支付", "style": "primary", "payment": True},
    )
    def pay(self):
        pass

    @transition(
        status,
        source=[S.SUBMITTED, S.VERIFIED],
        target=S.RETURNED,
        permission=_by(can.can_review_disbursement),
        custom={"label": "退回修改", "style": "outline-warning", "reason": True},
    )
    def return_(self):
        pass

    @transition(
        status,
        source=[S.SUBMITTED, S.VERIFIED],
        target=S.REJECTED,
        permission=_by(can.can_review_disbursement),
        custom={"label": "不予拨付", "style": "outline-danger", "reason": True},
    )
    def reject(self):
        pass


def transition_meta(disbursement, action):
    for t in disbursement.get_all_status_transitions():
        if t.name == action:
            return t
    raise KeyError(action)


def available_actions(user, disbursement):
    """Transitions the user may fire now: the buttons, from the table the server checks."""
    seen, actions = set(), []
    for t in disbursement.get_available_user_status_transitions(user):
        if t.name not in seen:
            seen.add(t.name)
            actions.append(t)
    return actions
