"""Budget under concurrency (PostgreSQL row locks): every thread's outcome is kept.

Without the fund row locks (``_lock_funds``) or the line lock in ``disbursement_approve``
the pools and lines are overdrawn and these tests fail.
"""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from budget import services
from budget.models import BudgetLine, Disbursement, SpecialFund
from core.models import AuditEvent, Role
from tests.concurrency import race
from tests.factories import (
    Actors,
    UserFactory,
    approved_project,
    disbursement_in,
    special_fund,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 24
D = Decimal


def _finance_users(actors, n):
    return [
        UserFactory(organisation=actors.finance.organisation, roles=[Role.FINANCE])
        for _ in range(n)
    ]


def test_parallel_approvals_never_overdraw_the_line(postgres_only):
    actors = Actors()
    special_fund(actors, "5000000", 2026)
    special_fund(actors, "5000000", 2027)
    project = approved_project(actors, "1000000")
    project = services.list_in_budget(
        project=project, allocations=[(2026, D("100000")), (2027, D("900000"))], by=actors.finance
    )
    contract = services.contract_record(
        project=project,
        by=actors.officer,
        name="合同",
        vendor="供应商",
        method="open",
        amount=D("1000000"),
        signed_on=timezone.localdate(),
        milestones=[
            {"name": "进度款", "amount": D("900000"), "is_final": False},
            {"name": "尾款", "amount": D("100000"), "is_final": True},
        ],
    )
    project = services.project_start_construction(project=project, by=actors.officer)
    line = project.budget_lines.get(fund__year=2026)
    milestone = contract.milestones.get(name="进度款")
    requests = [
        disbursement_in(
            actors, "verified", project=project, line=line, milestone=milestone, amount="10000"
        )
        for _ in range(THREADS)
    ]
    outcomes = race(
        *[
            (lambda d=d, u=u: services.disbursement_approve(disbursement=d, by=u))
            for d, u in zip(requests, _finance_users(actors, THREADS), strict=True)
        ]
    )
    kinds = [o.kind for o in outcomes]
    assert kinds.count("ok") == 10 and kinds.count("refused") == THREADS - 10, kinds
    assert all(o.text.startswith("R10 超出预算安排") for o in outcomes if o.kind == "refused"), [
        str(o) for o in outcomes if o.kind != "ok"
    ][:3]
    approved = Disbursement.objects.filter(budget_line=line, status="approved")
    assert approved.count() == 10
    assert approved.aggregate(s=Sum("amount"))["s"] == D("100000")


def test_parallel_listing_never_overdraws_the_pool(postgres_only):
    actors = Actors()
    special_fund(actors, "1000000", 2026)
    projects = [approved_project(actors, "100000", name=f"并发项目{i}") for i in range(20)]
    outcomes = race(
        *[
            (
                lambda p=p, u=u: services.list_in_budget(
                    project=p, allocations=[(2026, D("100000"))], by=u
                )
            )
            for p, u in zip(projects, _finance_users(actors, len(projects)), strict=True)
        ]
    )
    kinds = [o.kind for o in outcomes]
    assert kinds.count("ok") == 10 and kinds.count("refused") == 10, kinds
    assert all(
        o.text.startswith(
            "超出2026年度专项资金额度：总额 100.00 万元（1,000,000.00 元），已安排 100.00 万元"
        )
        for o in outcomes
        if o.kind == "refused"
    ), [str(o) for o in outcomes if o.kind != "ok"][:3]
    assert BudgetLine.objects.aggregate(s=Sum("amount"))["s"] == D("1000000")
    statuses = {
        p.pk: p.status for p in type(projects[0]).objects.filter(pk__in=[p.pk for p in projects])
    }
    with_lines = set(BudgetLine.objects.values_list("project_id", flat=True))
    assert {pk for pk, status in statuses.items() if status == "funded"} == with_lines
    assert len(with_lines) == 10


def test_two_finance_users_creating_the_same_years_fund_at_once(postgres_only):
    actors = Actors()
    first, second = _finance_users(actors, 2)
    outcomes = race(
        lambda: services.fund_set(
            jurisdiction=actors.jurisdiction, year=2028, amount=D("3000000"), by=first
        ),
        lambda: services.fund_set(
            jurisdiction=actors.jurisdiction, year=2028, amount=D("5000000"), by=second
        ),
    )
    assert [o.kind for o in outcomes] == ["ok", "ok"], [str(o) for o in outcomes]
    fund = SpecialFund.objects.get(jurisdiction=actors.jurisdiction, year=2028)
    events = list(AuditEvent.objects.filter(action="fund_set", subject_id=fund.pk).order_by("seq"))
    # One created the pool, the other resized it, and the trail says so in order.
    assert [e.action_label for e in events] == ["设立专项资金", "调整专项资金"]
    assert D(events[1].data["old"]) == D(events[0].data["amount"])
    assert D(events[1].data["amount"]) == fund.amount
