"""The special fund (专项资金, its yearly 年度额度) and budget lines: listing an approved project in the budget."""

from decimal import Decimal

from django.db import transaction

from core.audit import audit_record
from core.money import money_text
from core.permissions import WorkflowError, require
from core.selectors import department_users
from core.services import notify
from core.workflow import _fire
from projects.models import Project
from projects.workflow import LIFECYCLE as PROJECT

from .. import permissions as can
from ..models import BudgetLine, SpecialFund
from ..rules import SPENDING_STATES, allocation_refusal, lock_funds, sum_of
from .common import checked_amount

# Special fund and budget lines ---------------------------------------------------------


@transaction.atomic
def fund_set(*, jurisdiction, year: int, amount, by, name: str = "") -> SpecialFund:
    """Create or resize a fiscal year's pool; it never shrinks below what is allocated."""
    require(can.can_manage_fund(by, jurisdiction.pk))
    if amount is None or Decimal(amount) < 0:
        raise WorkflowError("专项资金年度额度不能为负数")
    if not 2000 <= int(year) <= 2100:
        raise WorkflowError("预算年度超出范围")
    fund, created = SpecialFund.objects.select_for_update().get_or_create(
        jurisdiction=jurisdiction,
        year=year,
        defaults={"amount": amount, "name": name or f"{jurisdiction.name}{year}年度信息化专项资金"},
    )
    old = None if created else fund.amount
    if not created:
        allocated = sum_of(fund.lines.all())
        if Decimal(amount) < allocated:
            raise WorkflowError(
                f"专项资金年度额度不能低于已安排金额 {money_text(allocated)}（调整为 {money_text(amount)}）"
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
    cleaned = [
        (int(year), checked_amount(amount, f"{year}年安排金额")) for year, amount in allocations
    ]
    if not cleaned:
        raise WorkflowError("请至少安排一个年度的预算")
    years = [year for year, _ in cleaned]
    if len(set(years)) != len(years):
        raise WorkflowError("同一年度只能安排一条预算")
    return sorted(cleaned)


def _create_lines(*, project, allocations, funds, kind, by):
    """Create and audit lines that passed ``allocation_refusal`` on the locked ``funds``."""
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
            comment=f"{year}年{line.get_kind_display()} {money_text(amount)}",
            data={"year": year, "kind": kind, "amount": amount},
        )
        lines.append(line)
    return lines


@transaction.atomic
def list_in_budget(*, project, allocations, by) -> Project:
    """Finance lists an approved project: approved → funded (the budget_allocated guard checks
    the allocations against the pools), then its yearly lines, in one transaction."""
    require(can.can_manage_fund(by, project.jurisdiction_id))
    allocations = _check_allocations(project, allocations)
    funds = lock_funds(project, [year for year, _ in allocations])  # before the project, always
    project = _fire(PROJECT, project, "list_in_budget", by=by, context={"allocations": allocations})
    kind = BudgetLine.Kind.CONSTRUCTION
    _create_lines(project=project, allocations=allocations, funds=funds, kind=kind, by=by)
    notify(
        users=department_users(project),
        text=f"项目已纳入预算：{project.name}",
        url=f"/budget/projects/{project.pk}/",
    )
    return project


@transaction.atomic
def budget_line_add(*, project, year: int, amount, by, kind=BudgetLine.Kind.CONSTRUCTION):
    """A further year's line for a project already funded (multi-year split, O&M later)."""
    require(can.can_manage_fund(by, project.jurisdiction_id))
    allocations = _check_allocations(project, [(year, amount)])
    funds = lock_funds(project, [year])
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status not in SPENDING_STATES:
        raise WorkflowError(f"项目当前状态为“{locked.get_status_display()}”，不能追加预算安排")
    refusal = allocation_refusal(project=locked, allocations=allocations, kind=kind, funds=funds)
    if refusal:
        raise WorkflowError(refusal)
    return _create_lines(project=locked, allocations=allocations, funds=funds, kind=kind, by=by)[0]
