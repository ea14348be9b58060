"""O&M funding rounds (issue 10 item 7): R9 denial reasons per rule with their basis, grants
become O&M lines of the round's year within the pool, the window, the (state × action × role)
matrix of the application machine, and isolation between departments."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from budget import services as budget
from budget.models import BudgetLine, OmApplication
from budget.om_workflow import OmState
from core.models import AuditEvent
from core.permissions import WorkflowError
from projects.models import DataResource
from tests.evaluation_factories import accepted_project, at, evaluated_project
from tests.factories import special_fund

pytestmark = pytest.mark.django_db
TODAY = dt.date(2028, 5, 10)


def _round(actors, year=2028):
    special_fund(actors, "5000000", year=year)
    return budget.om_round_create(
        jurisdiction=actors.jurisdiction,
        year=year,
        opens_on=dt.date(year, 5, 1),
        closes_on=dt.date(year, 5, 31),
        by=actors.finance,
    )


def _submitted(actors, project, amount="200000"):
    a = budget.om_apply(
        round=actors.om_round,
        project=project,
        amount=Decimal(amount),
        purpose="系统运维、云资源续租和安全服务。",
        by=actors.officer,
    )
    return budget.om_submit(application=a, by=actors.officer)


def on_day(day=TODAY):
    """The round's window is open on TODAY; projects are built before travelling there."""
    return time_machine.travel(at(day), tick=False)


@pytest.fixture
def om_actors(actors):
    with time_machine.travel(at(TODAY), tick=False):
        actors.om_round = _round(actors)
    return actors


def test_a_compliant_evaluated_project_is_granted_an_om_line(om_actors):
    actors = om_actors
    project, _, _ = evaluated_project(
        actors, accepted_on=dt.date(2026, 11, 22), evaluated_on=dt.date(2027, 12, 1)
    )
    with on_day():
        a = _submitted(actors, project)
        a = budget.om_grant(application=a, amount=Decimal("150000"), by=actors.finance)
        assert a.status == OmState.GRANTED and a.granted_amount == Decimal("150000")
        line = a.budget_line
        assert (line.kind, line.fund.year, line.amount) == ("om", 2028, Decimal("150000"))
        assert all(r["passed"] for r in a.r9_results)
        assert AuditEvent.objects.filter(project=project, action="om_grant").exists()
        assert AuditEvent.objects.filter(
            project=project, action="budget_line", data__kind="om"
        ).exists()


def test_the_pool_is_never_exceeded(om_actors):
    actors = om_actors
    project, _, _ = evaluated_project(
        actors, accepted_on=dt.date(2026, 11, 22), evaluated_on=dt.date(2027, 12, 1)
    )
    with on_day():
        a = _submitted(actors, project, amount="9000000")
        with pytest.raises(WorkflowError, match="超出2028年度专项资金额度"):
            budget.om_grant(application=a, amount=Decimal("6000000"), by=actors.finance)
        with pytest.raises(WorkflowError, match="超过申请金额"):
            budget.om_grant(application=a, amount=Decimal("9000001"), by=actors.finance)
        a.refresh_from_db()
        assert a.status == OmState.SUBMITTED and a.budget_line is None
        assert not BudgetLine.objects.filter(kind="om").exists()


def _denial(actors, project):
    a = _submitted(actors, project)
    with pytest.raises(WorkflowError, match="不符合R9"):
        budget.om_grant(application=a, amount=Decimal("100000"), by=actors.finance)
    a = budget.om_deny(application=a, by=actors.finance)
    assert a.status == OmState.DENIED
    return a.last_reason, [r for r in a.r9_results if not r["passed"]]


def test_r9_plan_conformity(om_actors):
    project, _, _ = evaluated_project(
        om_actors, accepted_on=dt.date(2026, 11, 22), evaluated_on=dt.date(2027, 12, 1)
    )
    with on_day():
        type(project).objects.filter(pk=project.pk).update(plan_item=None)
        reason, failing = _denial(om_actors, project)
        assert len(failing) == 1
        assert (
            "项目未纳入年度建设任务清单" in reason and "第22项“统筹建设管理”" in failing[0]["basis"]
        )
        assert (
            "参照海州区《加快统筹推进数字政府高质量建设实施方案》（海政发〔2022〕114号）" in reason
        )


def test_r9_data_sharing(om_actors):
    project, _, _ = evaluated_project(
        om_actors, accepted_on=dt.date(2026, 11, 22), evaluated_on=dt.date(2027, 12, 1)
    )
    with on_day():
        project.data_resources.update(sharing_mode=DataResource.SharingMode.NONE)
        reason, failing = _denial(om_actors, project)
        assert len(failing) == 1
        assert (
            "数据资源“人口基础数据”不予共享" in reason
            and "第15项“大力消除信息孤岛数据壁垒”" in reason
        )
        assert OmApplication.objects.get(project=project).status == "denied"


def test_r9_post_evaluation_failed(om_actors):
    project, _, _ = evaluated_project(
        om_actors,
        accepted_on=dt.date(2026, 11, 22),
        evaluated_on=dt.date(2027, 12, 1),
        totals=(50, 55, 58),
    )
    with on_day():
        reason, failing = _denial(om_actors, project)
        assert len(failing) == 1
        assert "后评价等级为“不合格”（54.33 分）" in reason


def test_r9_post_evaluation_overdue(om_actors):
    project, _, _ = accepted_project(
        om_actors, accepted_on=dt.date(2026, 5, 9)
    )  # 24 months + 1 day
    with on_day():
        reason, failing = _denial(om_actors, project)
        assert len(failing) == 1
        assert "后评价已逾期（应于 2028-05-09 前完成）" in reason


def test_r9_in_the_window_but_not_yet_overdue_passes(om_actors):
    project, _, _ = accepted_project(om_actors, accepted_on=dt.date(2026, 5, 10))  # exactly 24
    with on_day():
        a = _submitted(om_actors, project)
        a = budget.om_grant(application=a, amount=Decimal("100000"), by=om_actors.finance)
        assert a.status == OmState.GRANTED


def test_denial_when_r9_passes_needs_a_reason(om_actors):
    project, _, _ = evaluated_project(
        om_actors, accepted_on=dt.date(2026, 11, 22), evaluated_on=dt.date(2027, 12, 1)
    )
    with on_day():
        a = _submitted(om_actors, project)
        with pytest.raises(WorkflowError, match="须填写理由"):
            budget.om_deny(application=a, by=om_actors.finance, reason=" ")
        a = budget.om_deny(application=a, by=om_actors.finance, reason="本年度运维经费已安排完毕")
        assert a.last_reason == "本年度运维经费已安排完毕"


def test_outside_the_window_and_wrong_states_are_refused(om_actors):
    project, _, _ = accepted_project(om_actors)
    a = budget.om_apply(
        round=om_actors.om_round,
        project=project,
        amount=Decimal("1000"),
        purpose="运维",
        by=om_actors.officer,
    )
    with time_machine.travel(at(dt.date(2028, 6, 1)), tick=False):
        with pytest.raises(WorkflowError, match="当前不在申请时间内"):
            budget.om_submit(application=a, by=om_actors.officer)
    from tests.factories import building_project

    building, _, _ = building_project(om_actors, name="在建系统")
    with pytest.raises(WorkflowError, match="只有已验收或已后评价的项目"):
        budget.om_apply(
            round=om_actors.om_round,
            project=building,
            amount=Decimal("1000"),
            purpose="运维",
            by=om_actors.officer,
        )
    with pytest.raises(WorkflowError, match="申请金额须大于 0"):
        budget.om_apply(
            round=om_actors.om_round,
            project=project,
            amount=Decimal("0"),
            purpose="x",
            by=om_actors.officer,
        )


# (state × action × role): who may fire what from where. Allowed cells reach the target or
# a guard; every other cell is refused with the role's or the state's reason.
ROLES = [
    "dept_officer",
    "dept_head",
    "office",
    "finance",
    "leader",
    "auditor",
    "other_dept_officer",
]
TABLE = {
    "submit": ({"draft"}, "submitted", {"dept_officer"}),
    "withdraw": ({"submitted"}, "draft", {"dept_officer"}),
    "grant": ({"submitted"}, "granted", {"finance"}),
    "deny": ({"submitted"}, "denied", {"finance"}),
}
SERVICES = {
    "submit": lambda a, by: budget.om_submit(application=a, by=by),
    "withdraw": lambda a, by: budget.om_withdraw(application=a, by=by),
    "grant": lambda a, by: budget.om_grant(application=a, amount=Decimal("1000"), by=by),
    "deny": lambda a, by: budget.om_deny(application=a, by=by, reason="不予安排"),
}


def _application_in(actors, project, state):
    a = budget.om_apply(
        round=actors.om_round,
        project=project,
        amount=Decimal("1000"),
        purpose="运维",
        by=actors.officer,
    )
    if state == "draft":
        return a
    a = budget.om_submit(application=a, by=actors.officer)
    if state == "granted":
        return budget.om_grant(application=a, amount=Decimal("1000"), by=actors.finance)
    if state == "denied":
        return budget.om_deny(application=a, by=actors.finance, reason="不予安排")
    return a


@pytest.mark.parametrize("state", ["draft", "submitted", "granted", "denied"])
def test_state_action_role_matrix(om_actors, state):
    actors = om_actors
    users = actors.by_role()
    project, _, _ = accepted_project(actors)
    with on_day():
        a = _application_in(actors, project, state)
        for action, (sources, target, roles) in TABLE.items():
            for role in ROLES:
                try:
                    with transaction.atomic():
                        result = SERVICES[action](a, users[role])
                        outcome = result.status
                        transaction.set_rollback(True)
                except WorkflowError as error:
                    outcome = str(error)
                if state in sources and role in roles:
                    assert outcome == target, (state, action, role, outcome)
                else:
                    assert outcome not in (target,), (state, action, role)
                    assert isinstance(outcome, str) and outcome, (state, action, role)
                    if role in roles:
                        assert "不能" in outcome, (state, action, role, outcome)


def test_isolation_between_departments(om_actors, client):
    project, _, _ = accepted_project(om_actors)
    with on_day():
        a = _submitted(om_actors, project)
        client.force_login(om_actors.other_officer)
        assert client.get(reverse("budget:om_application", args=[a.pk])).status_code == 404
        assert project.name not in client.get(reverse("budget:om_rounds")).content.decode()
        with pytest.raises(WorkflowError, match="只能为本单位的项目申请运维经费"):
            budget.om_withdraw(application=a, by=om_actors.other_officer)
        client.force_login(om_actors.officer)
        assert client.get(reverse("budget:om_application", args=[a.pk])).status_code == 200
        client.force_login(om_actors.finance)
        page = client.get(reverse("budget:om_application", args=[a.pk])).content.decode()
        assert "同意安排" in page and "不予安排" in page
