"""The disbursement (拨付申请) lifecycle, SPEC §6, declared once, top to bottom.

draft → submitted (department) → verified (office 审核) → approved (finance) → paid
(finance records the voucher). The office or finance may send a request back to the
department (returned, editable, resubmit) or reject it for good, each with a reason.
Each row names its guards (``core.workflow``); one service per transition in
``services/disbursements.py`` fires it; nothing else assigns ``status``.
"""

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.workflow import Lifecycle, available_transitions, by_predicate, guard

from . import permissions as can
from .om_workflow import LIFECYCLE as OM_LIFECYCLE  # noqa: F401  (the app's other lifecycle)


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
# Requests a project's termination closes: everything not paid nor already refused.
OPEN_STATES = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.VERIFIED, S.APPROVED]
STATE_BADGES = {
    S.DRAFT: "secondary",
    S.SUBMITTED: "info",
    S.RETURNED: "warning",
    S.VERIFIED: "primary",
    S.APPROVED: "success",
    S.PAID: "success",
    S.REJECTED: "dark",
}


def _audit(d, action, label):
    return {
        "project": d.project,
        "action": f"disbursement_{action.rstrip('_')}",
        "action_label": f"拨付申请{label}",
        "data": {"amount": d.amount, "milestone": d.milestone.name, "voucher_no": d.voucher_no},
    }


LIFECYCLE = Lifecycle(
    model="budget.Disbursement",
    noun="拨付申请",
    audit=_audit,
    related=("project", "milestone__contract", "budget_line__fund"),
)


# Guards: each returns None when met, else the refusal. R10 reads the budget models, which
# subclass this table, hence the import inside.
@guard("R10：项目在建设或验收阶段，拨付不超过预算安排、合同、付款节点和核定投资")
def within_r10(disbursement, by, context):
    from .rules import r10_refusal

    return r10_refusal(disbursement, lock=False)


@guard("R10（锁定项目、预算安排和合同至提交）：同上，两笔同时审批也不能超支")
def within_r10_locked(disbursement, by, context):
    from .rules import r10_refusal

    return r10_refusal(disbursement, lock=True)


@guard("项目已终止")
def project_terminated(disbursement, by, context):
    if disbursement.project.status != "terminated":
        return "只有项目终止时才能关闭未支付的拨付申请"
    return None


class DisbursementWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=16, default=S.DRAFT, choices=S.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        status,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        permission=by_predicate(can.can_request_disbursement),
        custom={"label": "提交申请", "style": "primary", "guards": [within_r10]},
    )
    def submit(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.VERIFIED,
        permission=by_predicate(can.can_verify_disbursement),
        custom={"label": "审核通过", "style": "success", "guards": [within_r10]},
    )
    def verify(self):
        pass

    @transition(
        status,
        source=S.VERIFIED,
        target=S.APPROVED,
        permission=by_predicate(can.can_approve_disbursement),
        custom={"label": "审批同意", "style": "success", "guards": [within_r10_locked]},
    )
    def approve(self):
        pass

    @transition(
        status,
        source=S.APPROVED,
        target=S.PAID,
        permission=by_predicate(can.can_approve_disbursement),
        custom={"label": "登记支付", "style": "primary", "payment": True},
    )
    def pay(self):
        pass

    @transition(
        status,
        source=[S.SUBMITTED, S.VERIFIED],
        target=S.RETURNED,
        permission=by_predicate(can.can_review_disbursement),
        custom={"label": "退回修改", "style": "outline-warning", "reason": True},
    )
    def return_(self):
        pass

    @transition(
        status,
        source=[S.SUBMITTED, S.VERIFIED],
        target=S.REJECTED,
        permission=by_predicate(can.can_review_disbursement),
        custom={"label": "不予拨付", "style": "outline-danger", "reason": True},
    )
    def reject(self):
        pass

    @transition(
        status,
        source=OPEN_STATES,
        target=S.REJECTED,
        permission=by_predicate(can.can_close_disbursement),
        custom={
            "label": "因项目终止关闭",
            "reason": True,
            "guards": [project_terminated],
            "system": True,  # fired by the termination, never a button
        },
    )
    def close(self):
        pass


def available_actions(user, disbursement):
    """Transitions the user may fire now: the buttons, from the table the server checks."""
    return [t for t in available_transitions(user, disbursement) if not t.custom.get("system")]
