"""Disbursement requests and their lifecycle; R10 is enforced at approval under row locks."""

import datetime as dt

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.audit import audit_record
from core.concurrency import check_version
from core.models import Role
from core.money import money_text, wan_display
from core.permissions import WorkflowError, require
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from projects.models import Project

from .. import permissions as can
from ..models import BudgetLine, Contract, Disbursement
from ..workflow import COMMITTED_STATES, EDITABLE_STATES, transition_meta
from .common import ACCEPTED_STATES, SPENDING_STATES, ZERO, checked_amount

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


def r10_violations(disbursement, *, line, contract, project) -> list[str]:
    """R10: committed (approved + paid) plus this request within every ceiling."""
    d, milestone = disbursement, disbursement.milestone
    committed = (
        Disbursement.objects.filter(project=project, status__in=COMMITTED_STATES)
        .exclude(pk=d.pk)
        .aggregate(
            line=Sum("amount", filter=Q(budget_line=line)),
            contract=Sum("amount", filter=Q(milestone__contract=contract)),
            milestone=Sum("amount", filter=Q(milestone=milestone)),
            project=Sum("amount", filter=Q(budget_line__kind=BudgetLine.Kind.CONSTRUCTION)),
        )
    )
    ceilings = [
        ("line", f"预算安排（{line}）", line.amount),
        ("contract", f"合同“{contract.name}”", contract.amount),
        ("milestone", f"付款节点“{milestone.name}”", milestone.amount),
    ]
    if line.kind == BudgetLine.Kind.CONSTRUCTION:  # O&M rounds have their own ceilings
        ceilings.append(("project", "项目核定投资", project.approved_amount or ZERO))
    problems = []
    for key, label, ceiling in ceilings:
        used = committed[key] or ZERO
        if used + d.amount > ceiling:
            problems.append(
                f"R10 超出{label}：额度 {money_text(ceiling)}，已审批及支付 {money_text(used)}，"
                f"本次 {money_text(d.amount)}，超出 {money_text(used + d.amount - ceiling)}"
            )
    if milestone.is_final and project.status not in ACCEPTED_STATES:
        problems.append(f"R10 尾款“{milestone.name}”须在项目验收通过后拨付")
    return problems


def _r10_guard(*, lock):
    """Check R10; with ``lock``, hold the project, line and contract rows until commit.

    Lock order is project → line → contract everywhere (creating a request locks the
    project first too), so approving and requesting at once cannot deadlock.
    """

    def guard(d):
        if lock:
            project = Project.objects.select_for_update().get(pk=d.project_id)
            line = BudgetLine.objects.select_for_update().get(pk=d.budget_line_id)
            contract = Contract.objects.select_for_update().get(pk=d.milestone.contract_id)
        else:
            line, contract, project = d.budget_line, d.milestone.contract, d.project
        if project.status not in SPENDING_STATES:
            raise WorkflowError(f"项目当前状态为“{project.get_status_display()}”，不能拨付")
        problems = r10_violations(d, line=line, contract=contract, project=project)
        if problems:
            raise WorkflowError("；".join(problems))

    return guard


def disbursement_transition(*, disbursement, action, by, comment="", guard=None, after=None):
    """Lock the request, check role, state, reason and guard, transition, save and audit."""
    with transaction.atomic():
        locked = (
            Disbursement.objects.select_for_update(of=("self",))
            .select_related("project", "milestone__contract", "budget_line__fund")
            .get(pk=disbursement.pk)
        )
        meta = transition_meta(locked, action)
        label = meta.custom["label"]
        require(meta.permission.predicate(by, locked))
        if action not in {t.name for t in locked.get_available_status_transitions()}:
            raise WorkflowError(f"拨付申请当前状态为“{locked.get_status_display()}”，不能{label}")
        comment = (comment or "").strip()
        if meta.custom.get("reason") and not comment:
            raise WorkflowError(f"{label}须填写理由")
        if guard:
            guard(locked)
        from_state = locked.status
        getattr(locked, action)()
        if after:
            after(locked)
        if meta.custom.get("reason"):
            locked.last_reason = comment
        locked.save()
        audit_record(
            by=by,
            subject=locked,
            project=locked.project,
            action=f"disbursement_{action.rstrip('_')}",
            action_label=f"拨付申请{label}",
            from_state=from_state,
            to_state=locked.status,
            comment=comment,
            data={
                "amount": locked.amount,
                "milestone": locked.milestone.name,
                "voucher_no": locked.voucher_no,
            },
        )
    return locked


def _url(d):
    return f"/budget/disbursements/{d.pk}/"


def disbursement_submit(*, disbursement, by) -> Disbursement:
    d = disbursement_transition(
        disbursement=disbursement, action="submit", by=by, guard=_r10_guard(lock=False)
    )
    notify(
        users=jurisdiction_users(d.project, Role.OFFICE),
        text=f"拨付申请待审核：{d.project.name} {wan_display(d.amount)} 万元",
        url=_url(d),
    )
    return d


def disbursement_verify(*, disbursement, by, comment="") -> Disbursement:
    d = disbursement_transition(
        disbursement=disbursement,
        action="verify",
        by=by,
        comment=comment,
        guard=_r10_guard(lock=False),
    )
    notify(
        users=jurisdiction_users(d.project, Role.FINANCE),
        text=f"拨付申请待审批：{d.project.name} {wan_display(d.amount)} 万元",
        url=_url(d),
    )
    return d


def disbursement_approve(*, disbursement, by, comment="") -> Disbursement:
    """Finance approves; R10 is checked with the budget line and contract rows locked."""
    return disbursement_transition(
        disbursement=disbursement,
        action="approve",
        by=by,
        comment=comment,
        guard=_r10_guard(lock=True),
    )


def disbursement_pay(*, disbursement, by, voucher_no, paid_on) -> Disbursement:
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise WorkflowError("登记支付须填写支付凭证号")
    if not isinstance(paid_on, dt.date) or paid_on > timezone.localdate():
        raise WorkflowError("支付日期须填写且不能晚于今天")

    def after(d):
        d.voucher_no, d.paid_on = voucher_no[:40], paid_on

    d = disbursement_transition(
        disbursement=disbursement,
        action="pay",
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
    d = disbursement_transition(disbursement=disbursement, action="return_", by=by, comment=reason)
    notify(users=department_users(d.project), text=f"拨付申请被退回：{d.project.name}", url=_url(d))
    return d


def disbursement_reject(*, disbursement, by, reason) -> Disbursement:
    d = disbursement_transition(disbursement=disbursement, action="reject", by=by, comment=reason)
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
