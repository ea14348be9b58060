"""Disbursement requests and their lifecycle; R10 is enforced at approval under row locks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.concurrency import check_version
from core.models import Role
from core.money import money_text, wan_display
from core.permissions import WorkflowError, require
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from core.workflow import _fire
from projects.models import Project

from .. import permissions as can
from ..calendar import payment_date_refusal
from ..models import Disbursement
from ..rules import SPENDING_STATES
from ..workflow import EDITABLE_STATES
from ..workflow import LIFECYCLE as DISBURSEMENT
from .common import checked_amount

# Disbursements ---------------------------------------------------------------------------


def _check_request(*, project, milestone, budget_line, amount):
    amount = checked_amount(amount, "申请金额")
    if project.status not in SPENDING_STATES:
        raise WorkflowError(f"项目当前状态为“{project.get_status_display()}”，不能申请拨付")
    if milestone.contract.project_id != project.pk:
        raise WorkflowError("付款节点不属于本项目的合同")
    if budget_line.project_id != project.pk:
        raise WorkflowError("预算安排不属于本项目")
    if amount > milestone.amount:
        raise WorkflowError(
            f"R10 申请金额 {money_text(amount)} 超出付款节点金额 {money_text(milestone.amount)}"
        )
    return amount


@transaction.atomic
def disbursement_create(*, project, milestone, budget_line, amount, by, purpose="") -> Disbursement:
    project = Project.objects.select_for_update().get(pk=project.pk)
    draft = Disbursement(project=project, created_by=by)
    require(can.can_request_disbursement(by, draft))
    draft.amount = _check_request(
        project=project, milestone=milestone, budget_line=budget_line, amount=amount
    )
    draft.milestone, draft.budget_line, draft.purpose = milestone, budget_line, purpose.strip()
    draft.save()
    audit_record(
        by=by,
        subject=draft,
        project=project,
        action="disbursement_create",
        action_label="新建拨付申请",
        to_state=draft.status,
        comment=f"{milestone.name} {money_text(draft.amount)}",
        data={
            "amount": draft.amount,
            "milestone": milestone.pk,
            "budget_line": budget_line.pk,
            "version": draft.version,
        },
    )
    return draft


EDITED_FIELDS = ["milestone", "budget_line", "amount", "purpose"]


@transaction.atomic
def disbursement_update(
    *, disbursement, version: int, milestone, budget_line, amount, by, purpose=""
):
    """The department edits a draft or returned request opened at ``version``."""
    locked = (
        Disbursement.objects.select_for_update().select_related("project").get(pk=disbursement.pk)
    )
    require(can.can_request_disbursement(by, locked))
    if locked.status not in EDITABLE_STATES:
        raise WorkflowError(f"拨付申请当前状态为“{locked.get_status_display()}”，不能修改")
    check_version(locked, version, label="拨付申请")
    old = locked.amount
    before = {f: getattr(locked, f) for f in EDITED_FIELDS}
    locked.amount = _check_request(
        project=locked.project, milestone=milestone, budget_line=budget_line, amount=amount
    )
    locked.milestone, locked.budget_line, locked.purpose = milestone, budget_line, purpose.strip()
    locked.version += 1
    locked.save()
    changed = [
        str(Disbursement._meta.get_field(f).verbose_name)
        for f in EDITED_FIELDS
        if before[f] != getattr(locked, f)
    ]
    audit_record(
        by=by,
        subject=locked,
        project=locked.project,
        action="disbursement_update",
        action_label="修改拨付申请",
        comment=f"{milestone.name} {money_text(old)} → {money_text(locked.amount)}",
        data={
            "old": old,
            "amount": locked.amount,
            "milestone": milestone.pk,
            "changed": changed,
            "version": locked.version,
        },
    )
    return locked


def _url(d):
    return f"/budget/disbursements/{d.pk}/"


def disbursement_submit(*, disbursement, by) -> Disbursement:
    d = _fire(DISBURSEMENT, disbursement, "submit", by=by)
    notify(
        users=jurisdiction_users(d.project, Role.OFFICE),
        text=f"拨付申请待审核：{d.project.name} {wan_display(d.amount)} 万元",
        url=_url(d),
    )
    return d


def disbursement_verify(*, disbursement, by, comment="") -> Disbursement:
    d = _fire(DISBURSEMENT, disbursement, "verify", by=by, comment=comment)
    notify(
        users=jurisdiction_users(d.project, Role.FINANCE),
        text=f"拨付申请待审批：{d.project.name} {wan_display(d.amount)} 万元",
        url=_url(d),
    )
    return d


def disbursement_approve(*, disbursement, by, comment="") -> Disbursement:
    """Finance approves; R10 is checked with the budget line and contract rows locked."""
    return _fire(DISBURSEMENT, disbursement, "approve", by=by, comment=comment)


def disbursement_pay(*, disbursement, by, voucher_no, paid_on) -> Disbursement:
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise WorkflowError("登记支付须填写支付凭证号")
    if not isinstance(paid_on, dt.date) or paid_on > timezone.localdate():
        raise WorkflowError("支付日期须填写且不能晚于今天")
    refusal = payment_date_refusal(disbursement, paid_on)
    if refusal:
        raise WorkflowError(refusal)

    def after(d):
        d.voucher_no, d.paid_on = voucher_no[:40], paid_on

    d = _fire(
        DISBURSEMENT,
        disbursement,
        "pay",
        by=by,
        comment=f"凭证号 {voucher_no}，支付日期 {paid_on:%Y-%m-%d}",
        after=after,
    )
    notify(
        users=department_users(d.project),
        text=f"已支付：{d.project.name} {wan_display(d.amount)} 万元",
        url=_url(d),
    )
    return d


def disbursement_return(*, disbursement, by, reason) -> Disbursement:
    d = _fire(DISBURSEMENT, disbursement, "return_", by=by, comment=reason)
    notify(users=department_users(d.project), text=f"拨付申请被退回：{d.project.name}", url=_url(d))
    return d


def disbursement_reject(*, disbursement, by, reason) -> Disbursement:
    d = _fire(DISBURSEMENT, disbursement, "reject", by=by, comment=reason)
    notify(
        users=department_users(d.project), text=f"拨付申请不予拨付：{d.project.name}", url=_url(d)
    )
    return d


# The disbursement page's buttons map to these services (one per transition kind).
ACTION_SERVICES = {
    "submit": lambda d, by, data: disbursement_submit(disbursement=d, by=by),
    "verify": lambda d, by, data: disbursement_verify(
        disbursement=d, by=by, comment=data.get("comment", "")
    ),
    "approve": lambda d, by, data: disbursement_approve(
        disbursement=d, by=by, comment=data.get("comment", "")
    ),
    "pay": lambda d, by, data: disbursement_pay(
        disbursement=d, by=by, voucher_no=data.get("voucher_no"), paid_on=data.get("paid_on")
    ),
    "return_": lambda d, by, data: disbursement_return(
        disbursement=d, by=by, reason=data.get("comment", "")
    ),
    "reject": lambda d, by, data: disbursement_reject(
        disbursement=d, by=by, reason=data.get("comment", "")
    ),
}
