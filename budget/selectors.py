"""Reads for funding pages: the fund overview, a project's funding, budget execution."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core.money import to_wan
from projects.models import Project
from projects.workflow import State as P

from .models import BudgetLine, Contract, Disbursement, SpecialFund
from .querysets import visible_projects
from .workflow import PENDING_STATES, State

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)


def project_for_funding(*, user, pk) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(user).select_related("department", "jurisdiction"), pk=pk
    )


def disbursement_for_detail(*, user, pk) -> Disbursement:
    return get_object_or_404(
        Disbursement.objects.visible_to(user).select_related(
            "project__department",
            "project__jurisdiction",
            "milestone__contract",
            "budget_line__fund",
            "created_by",
        ),
        pk=pk,
    )


def contract_for_detail(*, user, pk) -> Contract:
    return get_object_or_404(
        Contract.objects.filter(visible_projects(user))
        .select_related("project__department", "created_by")
        .prefetch_related("milestones"),
        pk=pk,
    )


def project_funding(*, project, user) -> dict:
    """Lines, contracts with milestones and disbursements of one project, with sums."""
    committed = Q(disbursements__status__in=[State.APPROVED, State.PAID])
    lines = (
        project.budget_lines.select_related("fund")
        .annotate(
            committed=Coalesce(Sum("disbursements__amount", filter=committed), ZERO),
            paid=Coalesce(
                Sum("disbursements__amount", filter=Q(disbursements__status=State.PAID)), ZERO
            ),
        )
        .order_by("fund__year", "kind")
    )
    contracts = project.contracts.prefetch_related("milestones").annotate(
        committed=Coalesce(
            Sum(
                "milestones__disbursements__amount",
                filter=Q(milestones__disbursements__status__in=[State.APPROVED, State.PAID]),
            ),
            ZERO,
        )
    )
    disbursements = (
        Disbursement.objects.visible_to(user)
        .filter(project=project)
        .select_related("milestone", "budget_line__fund")
        .order_by("-created_at")
    )
    return {"lines": lines, "contracts": contracts, "disbursements": disbursements}


def funds_overview(*, jurisdiction_id, year) -> list[SpecialFund]:
    def line_sum(field):
        return Coalesce(
            Subquery(
                BudgetLine.objects.filter(fund=OuterRef("pk"))
                .values("fund")
                .annotate(total=Sum(field))
                .values("total"),
                output_field=MONEY,
            ),
            ZERO,
        )

    return list(
        SpecialFund.objects.filter(jurisdiction_id=jurisdiction_id)
        .annotate(allocated=line_sum("amount"), released=line_sum("released_amount"))
        .annotate(available=ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY))
        .order_by("-year")
    )


RELEASED_SHOWN = 20


def released_lines(*, jurisdiction_id):
    """The latest lines whose unpaid remainder a termination gave back to the fund."""
    return (
        BudgetLine.objects.filter(fund__jurisdiction_id=jurisdiction_id, released_amount__gt=0)
        .select_related("fund", "project__department")
        .order_by("-released_at")[:RELEASED_SHOWN]
    )


def projects_awaiting_funding(*, user):
    return (
        Project.objects.visible_to(user)
        .filter(status=P.APPROVED)
        .select_related("department")
        .order_by("department__name", "name")
    )


def _line_sums(year, *, to_date=None):
    """Per budget line of ``year``: approved (not yet paid), paid, pending — Subqueries, so
    grouping the lines afterwards cannot fan out across disbursements."""

    def total(*states, **extra):
        return Coalesce(
            Subquery(
                Disbursement.objects.filter(budget_line=OuterRef("pk"), status__in=states, **extra)
                .values("budget_line")
                .annotate(s=Sum("amount"))
                .values("s"),
                output_field=MONEY,
            ),
            ZERO,
        )

    paid_filter = {"paid_on__lte": to_date} if to_date else {}
    return BudgetLine.objects.filter(fund__year=year).annotate(
        approved_sum=total(State.APPROVED),
        paid_sum=total(State.PAID, **paid_filter),
        pending_sum=total(*PENDING_STATES),
    )


def execution(*, user, year, group, to_date=None) -> list[dict]:
    """Budget execution grouped by project, department or jurisdiction: one GROUP BY.

    Rate = paid / allocated for the year's lines, paid up to ``to_date`` (year to date).
    """
    keys = {
        "project": ["project_id", "project__name", "project__department__name"],
        "department": ["project__department_id", "project__department__name"],
        "jurisdiction": ["project__jurisdiction_id", "project__jurisdiction__name"],
    }[group]
    pending_count = Subquery(
        Disbursement.objects.filter(budget_line=OuterRef("pk"), status__in=PENDING_STATES)
        .values("budget_line")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        _line_sums(year, to_date=to_date)
        .annotate(pending_n=Coalesce(pending_count, 0))
        .filter(visible_projects(user))
        .values(*keys)
        .annotate(
            allocated=Sum("amount"),
            approved=Sum("approved_sum"),
            paid=Sum("paid_sum"),
            pending=Sum("pending_sum"),
            pending_count=Sum("pending_n"),
        )
        .order_by(keys[-1])
    )
    result = []
    for row in rows:
        row["name"] = row[keys[1]]
        row["rate"] = row["paid"] / row["allocated"] if row["allocated"] else None
        result.append(row)
    return result


def execution_totals(rows) -> dict:
    totals = {
        k: sum((r[k] for r in rows), Decimal("0"))
        for k in ("allocated", "approved", "paid", "pending")
    }
    totals["pending_count"] = sum(r["pending_count"] for r in rows)
    totals["rate"] = totals["paid"] / totals["allocated"] if totals["allocated"] else None
    return totals


def execution_chart(rows) -> dict:
    """The execution page's chart series, in 万元 and percent."""
    return {
        "names": [r["name"] for r in rows],
        **{k: [float(to_wan(r[k])) for r in rows] for k in ("allocated", "paid", "approved")},
        "rate": [round(float(r["rate"] or 0) * 100, 1) for r in rows],
    }


def disbursement_list(*, user, status=None, jurisdiction=None, department=None):
    """Requests the user may see, optionally narrowed (the to-do links narrow to the requests
    the user acts on, and count with this same selector)."""
    qs = Disbursement.objects.visible_to(user).for_list()
    if status:
        qs = qs.filter(status__in=status)
    if jurisdiction:
        qs = qs.filter(project__jurisdiction_id=jurisdiction)
    if department:
        qs = qs.filter(project__department_id=department)
    return qs
