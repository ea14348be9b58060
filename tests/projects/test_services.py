from decimal import Decimal

import pytest

from core.audit import audit_verify
from core.models import AuditEvent
from core.permissions import WorkflowError
from projects import services
from projects.models import Project
from tests.factories import Actors, draft_project, project_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def test_submit_records_event_and_notifies_office(actors, django_capture_on_commit_callbacks):
    project = draft_project(actors)
    services.project_confirm(project=project, by=actors.head)
    with django_capture_on_commit_callbacks(execute=True):
        project = services.project_submit(project=project, by=actors.officer)
    assert project.status == "submitted"
    event = AuditEvent.objects.filter(project=project).last()
    assert (event.action, event.from_state, event.to_state) == ("submit", "draft", "submitted")
    assert actors.office.notifications.filter(text__contains=project.name).exists()
    assert audit_verify() is None


def test_submit_refused_with_rule_messages_and_nothing_changes(actors):
    project = draft_project(actors, complete=False, name="只有名称的草稿")
    services.project_confirm(project=project, by=actors.head)
    events = AuditEvent.objects.count()
    with pytest.raises(WorkflowError, match="R0 申报信息完整.*R4 附数据资源目录"):
        services.project_submit(project=project, by=actors.officer)
    project.refresh_from_db()
    assert project.status == "draft"
    assert AuditEvent.objects.count() == events


def test_submit_needs_head_confirmation_where_jurisdiction_requires(actors):
    project = draft_project(actors)
    with pytest.raises(WorkflowError, match="单位负责人确认"):
        services.project_submit(project=project, by=actors.officer)
    actors.jurisdiction.require_head_confirmation = False
    actors.jurisdiction.save()
    assert services.project_submit(project=project, by=actors.officer).status == "submitted"


def test_head_may_submit_directly_and_is_recorded_as_confirming(actors):
    project = services.project_submit(project=draft_project(actors), by=actors.head)
    assert project.head_confirmed_by == actors.head


def test_editing_after_confirmation_clears_it(actors):
    project = draft_project(actors)
    services.project_confirm(project=project, by=actors.head)
    project = services.project_save_draft(
        project=project,
        version=project.version,
        by=actors.officer,
        fields={"summary": "改了建设内容"},
        platforms=list(project.common_platforms.all()),
        data_resources=[{"name": "人口", "sharing_mode": "none", "consumers": ""}],
    )
    assert project.head_confirmed_at is None


def test_withdraw_refused_after_office_signs_for_it(actors):
    project = project_in(actors, "submitted")
    services.project_receive(project=project, by=actors.office)
    with pytest.raises(WorkflowError, match="已签收"):
        services.project_withdraw(project=project, by=actors.officer)


def test_return_requires_reason(actors):
    project = project_in(actors, "submitted")
    with pytest.raises(WorkflowError, match="退回修改须填写理由"):
        services.project_return(project=project, by=actors.office, reason="  ")
    project = services.project_return(project=project, by=actors.office, reason="缺实施方案")
    assert project.status == "returned" and project.last_reason == "缺实施方案"


def test_resume_returns_to_the_state_before_suspension(actors):
    project = project_in(actors, "suspended")
    assert project.suspended_from == "in_review"
    project = services.project_resume(project=project, by=actors.leader)
    assert project.status == "in_review" and project.suspended_from == ""


def test_investment_change_is_audited_with_old_and_new_amounts(actors):
    project = draft_project(actors)
    services.project_save_draft(
        project=project,
        version=project.version,
        by=actors.officer,
        fields={"invest_security": Decimal("150000")},
        platforms=[],
        data_resources=[],
    )
    project = Project.objects.get(pk=project.pk)
    assert project.total_investment == Decimal("1050000")
    event = AuditEvent.objects.filter(project=project, action="update").last()
    assert event.action_label == "修改投资估算"
    assert event.data["investment"]["网络安全投资（元）"] == ["100000.00", "150000"]
    assert event.data["investment"]["总投资（元）"] == ["1000000.00", "1050000.00"]
