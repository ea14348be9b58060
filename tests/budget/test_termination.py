"""Suspend, resume, terminate (issue 10 item 8): a termination closes the unpaid requests with
the reason and releases each line's unpaid remainder to its fund (amounts, one audit event
per line, the fund page); resume returns to the state the project was suspended from."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import BudgetLine, Disbursement, SpecialFund
from budget.rules import sum_of
from core.models import AuditEvent
from core.permissions import WorkflowError
from projects import services as project_services
from tests.evaluation_factories import accepted_project
from tests.factories import building_project, disbursement_in, initial_passed, special_fund

pytestmark = pytest.mark.django_db


def _lines(project):
    return list(BudgetLine.objects.filter(project=project).order_by("fund__year"))


def test_termination_releases_the_unpaid_remainder_and_closes_requests(actors, client):
    project, line, contract = building_project(actors, approved="1000000")
    m1, m2, _ = contract.milestones.order_by("seq")
    initial_passed(actors, project)  # m2 waits for 初验 (R10)
    paid = disbursement_in(
        actors, "paid", project=project, line=line, milestone=m1, amount="300000"
    )
    approved = disbursement_in(
        actors, "approved", project=project, line=line, milestone=m2, amount="100000"
    )
    submitted = disbursement_in(
        actors, "submitted", project=project, line=line, milestone=m2, amount="50000"
    )
    draft = disbursement_in(
        actors, "draft", project=project, line=line, milestone=m2, amount="10000"
    )
    fund = line.fund
    before = sum_of(fund.lines.all())

    project_services.project_terminate(project=project, by=actors.leader, reason="并入省级平台建设")

    line.refresh_from_db()
    assert (line.amount, line.released_amount) == (Decimal("300000"), Decimal("700000"))
    assert line.released_at is not None
    assert sum_of(fund.lines.all()) == before - Decimal("700000")  # back in the pool
    for d in (approved, submitted, draft):
        d.refresh_from_db()
        assert d.status == "rejected"
        assert d.last_reason == "项目已终止（并入省级平台建设），未支付的拨付申请一并关闭"
    paid.refresh_from_db()
    assert paid.status == "paid"
    release = AuditEvent.objects.get(project=project, action="budget_release")
    assert release.data["allocated"] == "1000000.00" and release.data["paid"] == "300000.00"
    assert release.data["released"] == "700000.00"
    assert "已支付 30.00 万元" in release.comment and "释放 70.00 万元" in release.comment
    closes = AuditEvent.objects.filter(project=project, action="disbursement_close")
    assert closes.count() == 3

    client.force_login(actors.finance)
    page = client.get(reverse("budget:overview"), {"year": fund.year}).content.decode()
    assert 'id="released"' in page and project.name in page and "70.00" in page


def test_lines_of_several_years_each_get_an_audit_event(actors):
    special_fund(actors, "50000000", year=2026)
    special_fund(actors, "50000000", year=2027)
    from budget import services as budget
    from tests.factories import approved_project

    project = approved_project(actors, "1000000")
    project = budget.list_in_budget(
        project=project,
        allocations=[(2026, Decimal("600000")), (2027, Decimal("400000"))],
        by=actors.finance,
    )
    project_services.project_terminate(project=project, by=actors.office, reason="需求变更")
    lines = _lines(project)
    assert [(ln.amount, ln.released_amount) for ln in lines] == [
        (Decimal("0"), Decimal("600000")),
        (Decimal("0"), Decimal("400000")),
    ]
    events = AuditEvent.objects.filter(project=project, action="budget_release").order_by("seq")
    assert [e.data["year"] for e in events] == [2026, 2027]
    assert [e.data["released"] for e in events] == ["600000.00", "400000.00"]
    assert sum_of(SpecialFund.objects.get(year=2026).lines.all()) == 0  # back in the pool


def test_a_refused_termination_changes_nothing(actors):
    project, line, contract = building_project(actors)
    disbursement_in(
        actors, "submitted", project=project, line=line, milestone=contract.milestones.first()
    )
    with pytest.raises(WorkflowError, match="须填写理由"):
        project_services.project_terminate(project=project, by=actors.office, reason=" ")
    with pytest.raises(WorkflowError):
        project_services.project_terminate(project=project, by=actors.finance, reason="x")
    line.refresh_from_db()
    assert line.released_amount == 0 and line.amount == Decimal("1000000")
    assert not Disbursement.objects.filter(status="rejected").exists()
    assert not AuditEvent.objects.filter(action="budget_release").exists()


def test_closing_a_request_needs_a_terminated_project(actors):
    from budget.services import disbursement_close

    project, line, contract = building_project(actors)
    d = disbursement_in(
        actors, "draft", project=project, line=line, milestone=contract.milestones.first()
    )
    with pytest.raises(WorkflowError, match="只有项目终止时"):
        disbursement_close(disbursement=d, by=actors.office, reason="x")


@pytest.mark.parametrize("state", ["in_construction", "accepted"])
def test_resume_returns_to_the_state_it_was_suspended_from(actors, client, state):
    if state == "accepted":
        project, _, _ = accepted_project(actors)
    else:
        project, _, _ = building_project(actors)
    project = project_services.project_suspend(project=project, by=actors.leader, reason="资金统筹")
    assert (project.status, project.suspended_from) == ("suspended", state)
    assert project.suspended_at is not None
    client.force_login(actors.officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "资金统筹" in page and "暂停时间" in page and "暂停前状态" in page
    project = project_services.project_resume(project=project, by=actors.office)
    assert (project.status, project.suspended_from, project.suspended_at) == (state, "", None)
