"""R10 under concurrency: many finance users approving against one budget line at once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from budget import services
from budget.models import Disbursement
from core.models import Role
from core.permissions import WorkflowError
from tests.factories import UserFactory, approved_project, disbursement_in, special_fund

THREADS = 24
D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_never_overdraw_the_line(postgres_only):
    from tests.factories import Actors

    actors = Actors()
    special_fund(actors, "5000000", 2026)
    special_fund(actors, "5000000", 2027)
    project = approved_project(actors, "1000000")
    project = services.list_in_budget(
        project=project, allocations=[(2026, D("100000")), (2027, D("900000"))], by=actors.finance
    )
    import datetime as dt

    contract = services.contract_record(
        project=project,
        by=actors.officer,
        name="合同",
        vendor="供应商",
        method="open",
        amount=D("1000000"),
        signed_on=dt.date(2026, 3, 1),
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
    finance = [
        UserFactory(organisation=actors.finance.organisation, roles=[Role.FINANCE])
        for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    outcomes, lock = [], threading.Lock()

    def work(d, user):
        try:
            barrier.wait()
            services.disbursement_approve(disbursement=d, by=user)
            result = "approved"
        except WorkflowError as error:
            result = str(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=work, args=(d, u)) for d, u in zip(requests, finance, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == THREADS
    approved = Disbursement.objects.filter(budget_line=line, status="approved")
    assert approved.aggregate(s=Sum("amount"))["s"] == D("100000")
    assert approved.count() == 10 and outcomes.count("approved") == 10
    refused = [o for o in outcomes if o != "approved"]
    assert all(o.startswith("R10 超出预算安排") for o in refused), refused[:3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_listing_never_overdraws_the_pool(postgres_only):
    from budget.models import BudgetLine
    from tests.factories import Actors

    actors = Actors()
    special_fund(actors, "1000000", 2026)
    projects = [approved_project(actors, "100000", name=f"并发项目{i}") for i in range(20)]
    finance = [
        UserFactory(organisation=actors.finance.organisation, roles=[Role.FINANCE])
        for _ in projects
    ]
    barrier = threading.Barrier(len(projects))
    outcomes, lock = [], threading.Lock()

    def work(project, user):
        try:
            barrier.wait()
            services.list_in_budget(project=project, allocations=[(2026, D("100000"))], by=user)
            result = "funded"
        except WorkflowError as error:
            result = str(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(projects, finance, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("funded") == 10
    assert BudgetLine.objects.aggregate(s=Sum("amount"))["s"] == D("1000000")
    assert all(o == "funded" or o.startswith("超出2026年度资金池") for o in outcomes)
