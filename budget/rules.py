"""Funding's conditions (SPEC §6): R10 on disbursements, and budget's hooks into the project
lifecycle (registered when ``BudgetConfig.ready()`` imports this module): listing in the
budget needs allocations within the pools and the approved amount, starting construction
needs a recorded contract."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from acceptance.models import InitialAcceptance
from core.money import money_text
from core.permissions import WorkflowError
from core.policy import cites, with_basis
from projects.models import Project
from projects.workflow import BUILDING_STATES, budget_allocated, contract_signed
from projects.workflow import State as P

from .models import BudgetLine, Contract, Disbursement, SpecialFund, Trigger
from .workflow import COMMITTED_STATES

ZERO = Decimal("0")
# Project states in which contracts may be recorded and payments requested.
SPENDING_STATES = [P.FUNDED, *BUILDING_STATES, P.ACCEPTED, P.EVALUATING, P.EVALUATED]
# Project states that count as "accepted" for the final payment (R10).
ACCEPTED_STATES = [P.ACCEPTED, P.EVALUATING, P.EVALUATED]


def sum_of(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


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
    return problems + milestone_waits(milestone, project)


def milestone_waits(milestone, project) -> list[str]:
    """R10: a milestone is paid only once what it waits for is on record: 初验 passed for
    one tied to initial acceptance, 终验 (the project accepted) for the final payment or one
    tied to final acceptance, its date for one tied to a date."""
    name = milestone.name
    if milestone.is_final and project.status not in ACCEPTED_STATES:
        return [f"R10 尾款“{name}”须在项目验收通过后拨付"]
    if milestone.trigger == Trigger.FINAL and project.status not in ACCEPTED_STATES:
        return [f"R10 付款节点“{name}”须在终验（验收通过）后拨付"]
    if milestone.trigger == Trigger.INITIAL and not initial_acceptance_passed(project):
        return [f"R10 付款节点“{name}”须在初验通过后拨付，该项目尚未登记通过的初验"]
    if milestone.trigger == Trigger.DATE and milestone.due_on > timezone.localdate():
        return [f"R10 付款节点“{name}”约定于 {milestone.due_on:%Y-%m-%d} 后拨付"]
    return []


def initial_acceptance_passed(project) -> bool:
    return InitialAcceptance.objects.filter(
        project=project, conclusion__in=InitialAcceptance.PASSING
    ).exists()


def r10_refusal(d, *, lock) -> str | None:
    """The disbursement guards' check; with ``lock``, hold the project, line and contract
    rows until commit.

    Lock order is project → line → contract everywhere (creating a request locks the
    project first too), so approving and requesting at once cannot deadlock.
    """
    if lock:
        project = Project.objects.select_for_update().get(pk=d.project_id)
        line = BudgetLine.objects.select_for_update().get(pk=d.budget_line_id)
        contract = Contract.objects.select_for_update().get(pk=d.milestone.contract_id)
    else:
        line, contract, project = d.budget_line, d.milestone.contract, d.project
    if project.status not in SPENDING_STATES:
        return f"项目当前状态为“{project.get_status_display()}”，不能拨付"
    problems = r10_violations(d, line=line, contract=contract, project=project)
    return problems and with_basis("；".join(problems), "R10", project.jurisdiction) or None


def lock_funds(project, years) -> dict:
    """Lock the jurisdiction's funds for ``years`` (always before the project's row)."""
    funds = {
        f.year: f
        for f in SpecialFund.objects.select_for_update()
        .filter(jurisdiction_id=project.jurisdiction_id, year__in=years)
        .order_by("year")
    }
    missing = [str(y) for y in years if y not in funds]
    if missing:
        raise WorkflowError(f"{'、'.join(missing)}年度尚未设立专项资金，请先设立年度额度")
    return funds


def allocation_refusal(*, project, allocations, kind, funds) -> str | None:
    """New lines ``[(year, amount)]`` fit each year's pool, one line per year and kind, and
    construction lines stay within the approved amount."""
    for year, amount in allocations:
        fund = funds[year]
        used = sum_of(fund.lines.all())
        if used + amount > fund.amount:
            return (
                f"超出{year}年度专项资金额度：总额 {money_text(fund.amount)}，已安排 {money_text(used)}，"
                f"本次 {money_text(amount)}，超出 {money_text(used + amount - fund.amount)}"
            )
        if BudgetLine.objects.filter(fund=fund, project=project, kind=kind).exists():
            return f"该项目{year}年度已有预算安排"
    if kind == BudgetLine.Kind.CONSTRUCTION:
        existing = sum_of(project.budget_lines.filter(kind=kind))
        total = existing + sum(amount for _, amount in allocations)
        if total > (project.approved_amount or ZERO):
            return f"预算安排合计 {money_text(total)} 超出核定投资 {money_text(project.approved_amount)}"
    return None


@budget_allocated.register
@cites("专项资金")
def allocations_fit(project, by, context):
    """``context["allocations"]``, checked by ``list_in_budget``, fit the pools."""
    allocations = context.get("allocations")
    if not allocations:
        return "请至少安排一个年度的预算"
    funds = lock_funds(project, [year for year, _ in allocations])
    return allocation_refusal(
        project=project, allocations=allocations, kind=BudgetLine.Kind.CONSTRUCTION, funds=funds
    )


@contract_signed.register
def contract_recorded(project, by, context):
    if not project.contracts.exists():
        return "开工建设前须登记采购合同"
    return None
