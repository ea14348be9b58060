"""Benchmark cases of budget (see ``core/bench.py``): overview, disbursement list, execution
report and the two Excel exports."""

from django.db.models import Sum

from core.bench import EXPORT, bench_case
from core.models import Role
from projects.bench import busiest_project, visible

from .models import BudgetLine, Disbursement, SpecialFund


def _finance(env):
    return env.user(Role.FINANCE)


def _year(env):
    return env.once(
        "budget_year",
        lambda: (
            BudgetLine.objects.values("fund__year")
            .annotate(n=Sum("amount"))
            .order_by("-n")
            .values_list("fund__year", flat=True)
            .first()
        ),
    )


bench_case(
    "预算总览",
    group="budget",
    user=_finance,
    url=lambda env: f"/budget/?year={_year(env)}",
    floors={
        "bare": lambda user, env: {
            "funds": list(
                SpecialFund.objects.filter(jurisdiction_id=user.jurisdiction_id, year=_year(env))
                .annotate(allocated=Sum("lines__amount"))
                .values("name", "amount", "allocated")
            ),
            "projects": list(
                BudgetLine.objects.filter(visible(user), fund__year=_year(env))
                .order_by("-amount", "pk")
                .values("project__name", "amount")[:50]
            ),
        }
    },
)


def _disbursement_rows(user):
    return list(
        Disbursement.objects.visible_to(user)
        .order_by("-updated_at", "-pk")
        .values("pk", "project__name", "milestone__name", "amount", "status", "updated_at")[:50]
    )


bench_case(
    "拨付申请列表",
    group="budget",
    user=_finance,
    url=lambda env: "/budget/disbursements/",
    floors={"bare": lambda user, env: _disbursement_rows(user)},
)
bench_case(
    "预算执行报表",
    group="budget",
    user=_finance,
    url=lambda env: f"/budget/execution/?year={_year(env)}",
    floors={
        "SQL aggregate": lambda user, env: list(
            BudgetLine.objects.filter(visible(user), fund__year=_year(env))
            .values("project__department__name")
            .annotate(allocated=Sum("amount"))
            .order_by("project__department__name")[:50]
        )
    },
)
bench_case(
    "预算执行 Excel 导出",
    group="exports",
    kind=EXPORT,
    user=_finance,
    url=lambda env: f"/budget/execution.xlsx?year={_year(env)}",
)
bench_case(
    "项目拨付明细 Excel 导出",
    group="exports",
    kind=EXPORT,
    user=lambda env: env.user(Role.OFFICE),
    url=lambda env: f"/budget/projects/{busiest_project(env).pk}/disbursements.xlsx",
)
