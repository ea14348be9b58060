"""Everything that moves money: funds, budget lines, contracts and disbursements (SPEC §6).

Every movement writes an audit event in the same transaction. R10 (disbursements never
exceed the budget line, the contract, the milestone or the approved amount; the final
milestone needs acceptance) is enforced at approval under row locks.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.audit import audit_record
from core.models import Role
from core.money import wan_display
from core.permissions import WorkflowError, require
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from projects.models import Project
from projects.services import project_transition
from projects.workflow import BUILDING_STATES
from projects.workflow import State as P

from . import permissions as can
from .models import BudgetLine, Contract, Disbursement, Milestone, SpecialFund
from .workflow import COMMITTED_STATES, EDITABLE_STATES, transition_meta

CENT = Decimal("0.01")
ZERO = Decimal("0")
# Project states in which contracts may be recorded and payments requested.
SPENDING_STATES = [P.FUNDED, *BUILDING_STATES, P.ACCEPTED, P.EVALUATING, P.EVALUATED]
# Project states that count as "accepted" for the final payment (R10).
ACCEPTED_STATES = [P.ACCEPTED, P.EVALUATING, P.EVALUATED]


def yuan(value) -> str:
    """Money in messages: 万元 as budgets are read, with exact yuan for cent-level limits."""
    amount = Decimal(value or 0)
    return f"{wan_display(amount)} 万元（{amount:,.2f} 元）"


def _money(value, label) -> Decimal:
    if value is None:
        raise WorkflowError(f"请填写{label}")
    value = Decimal(value)
    if value <= 0:
        raise WorkflowError(f"{label}须大于 0")
    if value != value.quantize(CENT):
        raise WorkflowError(f"{label}最多精确到分")
    return value


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


# Special fund and budget lines ---------------------------------------------------------


@transaction.atomic
def fund_set(*, jurisdiction, year: int, amount, by, name: str = "") -> SpecialFund:
    """Create or resize a fiscal year's pool; it never shrinks below what is allocated."""
    require(can.can_manage_fund(by, jurisdiction.pk))
    if amount is None or Decimal(amount) < 0:
        raise WorkflowError("资金池总额不能为负数")
    if not 2000 <= int(year) <= 2100:
        raise WorkflowError("预算年度超出范围")
    fund, created = SpecialFund.objects.select_for_update().get_or_create(
        jurisdiction=jurisdiction,
        year=year,
        defaults={"amount": amount, "name": name or f"{jurisdiction.name}{year}年度信息化专项资金"},
    )
    old = None if created else fund.amount
    if not created:
        allocated = _sum(fund.lines.all())
        if Decimal(amount) < allocated:
            raise WorkflowError(
                f"资金池总额不能低于已安排金额 {yuan(allocated)}（调整为 {yuan(amount)}）"
            )
        fund.amount = amount
        if name:
            fund.name = name
        fund.save()
    audit_record(
        by=by,
        subject=fund,
        action="fund_set",
        action_label="设立专项资金" if created else "调整专项资金",
        data={"year": fund.year, "old": old, "amount": fund.amount},
    )
    return fund


def _check_allocations(project, allocations):
    """``allocations`` is ``[(year, amount), ...]``; returns them cleaned, years unique."""
    if any(not 2000 <= int(year or 0) <= 2100 for year, _ in allocations):
        raise WorkflowError("请填写正确的预算年度")
    cleaned = [(int(year), _money(amount, f"{year}年安排金额")) for year, amount in allocations]
    if not cleaned:
        raise WorkflowError("请至少安排一个年度的预算")
    years = [year for year, _ in cleaned]
    if len(set(years)) != len(years):
        raise WorkflowError("同一年度只能安排一条预算")
    return sorted(cleaned)


def _lock_funds(project, years):
    funds = {
        f.year: f
        for f in SpecialFund.objects.select_for_update()
        .filter(jurisdiction_id=project.jurisdiction_id, year__in=years)
        .order_by("year")
    }
    missing = [str(y) for y in years if y not in funds]
    if missing:
        raise WorkflowError(f"{'、'.join(missing)}年度尚未设立专项资金，请先设立资金池")
    return funds


def _create_lines(*, project, allocations, kind, by):
    """Lock the funds, check the pools and the approved amount, create and audit lines."""
    funds = _lock_funds(project, [year for year, _ in allocations])
    for year, amount in allocations:
        fund = funds[year]
        used = _sum(fund.lines.all())
        if used + amount > fund.amount:
            raise WorkflowError(
                f"超出{year}年度资金池：总额 {yuan(fund.amount)}，已安排 {yuan(used)}，"
                f"本次 {yuan(amount)}，超出 {yuan(used + amount - fund.amount)}"
            )
        if BudgetLine.objects.filter(fund=fund, project=project, kind=kind).exists():
            raise WorkflowError(f"该项目{year}年度已有预算安排")
    if kind == BudgetLine.Kind.CONSTRUCTION:
        existing = _sum(project.budget_lines.filter(kind=kind))
        total = existing + sum(amount for _, amount in allocations)
        if total > (project.approved_amount or ZERO):
            raise WorkflowError(
                f"预算安排合计 {yuan(total)} 超出核定投资 {yuan(project.approved_amount)}"
            )
    lines = []
    for year, amount in allocations:
        line = BudgetLine.objects.create(
            fund=funds[year], project=project, kind=kind, amount=amount, created_by=by
        )
        audit_record(
            by=by,
            subject=line,
            project=project,
            action="budget_line",
            action_label="安排预算",
            comment=f"{year}年{line.get_kind_display()} {yuan(amount)}",
            data={"year": year, "kind": kind, "amount": amount},
        )
        lines.append(line)
    return lines


@transaction.atomic
def list_in_budget(*, project, allocations, by) -> Project:
    """Finance lists an approved project: create its yearly lines, then approved → funded."""
    require(can.can_manage_fund(by, project.jurisdiction_id))
    allocations = _check_allocations(project, allocations)
    _lock_funds(project, [year for year, _ in allocations])  # funds before project, always

    def guard(locked):
        _create_lines(
            project=locked, allocations=allocations, kind=BudgetLine.Kind.CONSTRUCTION, by=by
        )

    project = project_transition(project=project, action="list_in_budget", by=by, guard=guard)
    notify(
        users=department_users(project),
        text=f"项目已列入预算：{project.name}",
        url=f"/budget/projects/{project.pk}/",
    )
    return project


@transaction.atomic
def budget_line_add(*, project, year: int, amount, by, kind=BudgetLine.Kind.CONSTRUCTION):
    """A further year's line for a project already funded (multi-year split, O&M later)."""
    require(can.can_manage_fund(by, project.jurisdiction_id))
    allocations = _check_allocations(project, [(year, amount)])
    _lock_funds(project, [year])
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status not in SPENDING_STATES:
        raise WorkflowError(f"项目当前状态为“{locked.get_status_display()}”，不能追加预算安排")
    return _create_lines(project=locked, allocations=allocations, kind=kind, by=by)[0]


# Procurement contracts -------------------------------------------------------------------


def _milestone_rows(amount, milestones):
    """Turn ``[{name, percent | amount, is_final}]`` into rows with yuan amounts summing up."""
    if not milestones:
        raise WorkflowError("请至少填写一个付款节点")
    if sum(1 for m in milestones if m.get("is_final")) != 1:
        raise WorkflowError("须且只能指定一个尾款节点（终验后支付）")
    rows = []
    for index, m in enumerate(milestones, start=1):
        name = (m.get("name") or "").strip()
        if not name:
            raise WorkflowError(f"第{index}个付款节点须填写名称")
        percent = m.get("percent")
        if percent is not None:
            percent = Decimal(percent)
            if not ZERO < percent <= 100:
                raise WorkflowError(f"付款节点“{name}”的比例须在 0 到 100 之间")
            value = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
        else:
            value = _money(m.get("amount"), f"付款节点“{name}”的金额")
        rows.append(
            {
                "seq": index,
                "name": name,
                "percent": percent,
                "amount": value,
                "is_final": bool(m.get("is_final")),
            }
        )
    if all(r["percent"] is not None for r in rows):
        if sum(r["percent"] for r in rows) != 100:
            raise WorkflowError("付款节点比例合计须为 100%")
        rows[-1]["amount"] += amount - sum(r["amount"] for r in rows)  # rounding to the cent
    if sum(r["amount"] for r in rows) != amount:
        raise WorkflowError(
            f"付款节点金额合计 {yuan(sum(r['amount'] for r in rows))} 须等于合同金额 {yuan(amount)}"
        )
    return rows


@transaction.atomic
def contract_record(
    *, project, by, name, vendor, method, amount, signed_on, milestones
) -> Contract:
    """The department records a procurement contract and its payment milestones."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can.can_record_contract(by, project))
    if project.status not in SPENDING_STATES:
        raise WorkflowError(
            f"项目当前状态为“{project.get_status_display()}”，列入预算后才能登记采购合同"
        )
    if not (name or "").strip() or not (vendor or "").strip():
        raise WorkflowError("请填写合同名称和供应商")
    if method not in Contract.Method.values:
        raise WorkflowError("请选择采购方式")
    amount = _money(amount, "合同金额")
    if signed_on is None or signed_on > timezone.localdate():
        raise WorkflowError("签订日期不能晚于今天")
    signed = _sum(project.contracts.all())
    if signed + amount > (project.approved_amount or ZERO):
        raise WorkflowError(
            f"合同金额合计 {yuan(signed + amount)} 超出核定投资 {yuan(project.approved_amount)}"
        )
    rows = _milestone_rows(amount, milestones)
    contract = Contract.objects.create(
        project=project,
        name=name.strip(),
        vendor=vendor.strip(),
        method=method,
        amount=amount,
        signed_on=signed_on,
        created_by=by,
    )
    Milestone.objects.bulk_create(Milestone(contract=contract, **row) for row in rows)
    audit_record(
        by=by,
        subject=contract,
        project=project,
        action="contract",
        action_label="登记采购合同",
        comment=f"{contract.name}（{contract.vendor}，{contract.get_method_display()}）{yuan(amount)}",
        data={"amount": amount, "milestones": [[r["name"], r["amount"]] for r in rows]},
    )
    return contract


def project_start_construction(*, project, by) -> Project:
    def guard(locked):
        if not locked.contracts.exists():
            raise WorkflowError("开工建设前须登记采购合同")

    return project_transition(project=project, action="start_construction", by=by, guard=guard)


# Disbursements ---------------------------------------------------------------------------


def _check_request(*, project, milestone, budget_line, amount):
    amount = _money(amount, "申请金额")
    if project.status not in SPENDING_STATES:
        raise WorkflowError(f"项目当前状态为“{project.get_status_display()}”，不能申请拨付")
    if milestone.contract.project_id != project.pk:
        raise WorkflowError("付款节点不属于本项目的合同")
    if budget_line.project_id != project.pk:
        raise WorkflowError("预算安排不属于本项目")
    if amount > milestone.amount:
        raise WorkflowError(
            f"R10 申请金额 {yuan(amount)} 超出付款节点金额 {yuan(milestone.amount)}"
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
        comment=f"{milestone.name} {yuan(draft.amount)}",
        data={"amount": draft.amount, "milestone": milestone.pk, "budget_line": budget_line.pk},
    )
    return draft


@transaction.atomic
def disbursement_update(*, disbursement, milestone, budget_line, amount, by, purpose=""):
    """The department edits a draft or returned request."""
    locked = (
        Disbursement.objects.select_for_update().select_related("project").get(pk=disbursement.pk)
    )
    require(can.can_request_disbursement(by, locked))
    if locked.status not in EDITABLE_STATES:
        raise WorkflowError(f"拨付申请当前状态为“{locked.get_status_display()}”，不能修改")
    old = locked.amount
    locked.amount = _check_request(
        project=locked.project, milestone=milestone, budget_line=budget_line, amount=amount
    )
    locked.milestone, locked.budget_line, locked.purpose = milestone, budget_line, purpose.strip()
    locked.save()
    audit_record(
        by=by,
        subject=locked,
        project=locked.project,
        action="disbursement_update",
        action_label="修改拨付申请",
        comment=f"{milestone.name} {yuan(old)} → {yuan(locked.amount)}",
        data={"old": old, "amount": locked.amount, "milestone": milestone.pk},
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
                f"R10 超出{label}：额度 {yuan(ceiling)}，已审批及支付 {yuan(used)}，"
                f"本次 {yuan(d.amount)}，超出 {yuan(used + d.amount - ceiling)}"
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
