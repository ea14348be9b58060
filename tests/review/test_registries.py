"""Review plugs into the lifecycle only through the registries that projects offers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.permissions import WorkflowError
from projects import querysets, rules
from projects import services as project_services
from review import rules as review_rules
from review import visibility
from review.models import ReviewRound
from review.services import review_accept
from tests.factories import Actors, approved_project, draft_project, project_in

pytestmark = pytest.mark.django_db

WINDOW_MESSAGE = "年度集中申报须在评审批次的申报窗口期内提交，当前没有开放的申报窗口"


@pytest.fixture
def actors():
    return Actors()


def test_r7_is_registered_by_review_after_the_projects_rules():
    assert [r.id for r in rules.RULES] == [*(f"R{n}" for n in range(8)), "R11", "R12"]
    assert next(r for r in rules.RULES if r.id == "R7").check is review_rules.r7_duplicates
    with pytest.raises(ValueError, match="R7"):
        rules.rule("R7", "重复", kind=rules.WARNING)(lambda facts: None)


def test_r7_near_duplicate_blocks_submission_until_justified(actors):
    other = Actors(jurisdiction=actors.jurisdiction)
    project_in(other, "submitted", name="统一电子证照管理系统")
    mine = draft_project(actors, name="统一电子证照管理系统")
    project_services.project_confirm(project=mine, by=actors.head)
    with pytest.raises(
        WorkflowError, match="R7 相似项目查重（防止重复建设）：发现相似的项目或已建信息系统"
    ):
        project_services.project_submit(project=mine, by=actors.officer)
    project_services.justification_set(
        project=mine, rule_id="R7", text="与公安局系统分工不同，数据互通。", by=actors.officer
    )
    assert project_services.project_submit(project=mine, by=actors.officer).status == "submitted"


def test_preflight_panel_lists_r7_after_r6(client, actors):
    project = draft_project(actors)
    client.force_login(actors.officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert page.index("复用共性支撑平台") < page.index("相似项目查重（防止重复建设）")


def test_window_check_is_a_registered_submission_check(actors):
    assert review_rules.application_window_open in rules.SUBMISSION_CHECKS
    ReviewRound.objects.update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    project = draft_project(actors)
    project_services.project_confirm(project=project, by=actors.head)
    with pytest.raises(WorkflowError, match=WINDOW_MESSAGE):
        project_services.project_submit(project=project, by=actors.officer)
    project.refresh_from_db()
    assert project.status == "draft"


def test_window_check_refuses_annual_submission_from_the_project_page(client, actors):
    ReviewRound.objects.update(opens_on=timezone.localdate() + dt.timedelta(days=1))
    project = draft_project(actors)
    project_services.project_confirm(project=project, by=actors.head)
    client.force_login(actors.officer)
    url = reverse("projects:action", args=[project.pk, "submit"])
    response = client.post(url, follow=True)
    assert WINDOW_MESSAGE in response.content.decode()
    project.refresh_from_db()
    assert project.status == "draft"


def test_accept_for_review_button_runs_reviews_service_and_opens_the_review(client, actors):
    project = project_in(actors, "submitted")
    client.force_login(actors.office)
    url = reverse("projects:action", args=[project.pk, "accept_for_review"])
    response = client.post(url, {"comment": "材料齐全"}, follow=True)
    assert "办理成功，项目状态为“联审中”" in response.content.decode()
    project.refresh_from_db()
    assert project.status == "in_review"
    review = project.reviews.get(status="open")
    assert review.round == actors.round
    assert set(review.tasks.values_list("function", flat=True)) >= {"security", "fiscal"}
    with pytest.raises(ValueError, match="accept_for_review"):
        project_services.register_action_service("accept_for_review", lambda p, by, c: p)


def test_refused_accept_opens_no_review(client, actors):
    project = project_in(actors, "submitted")
    client.force_login(actors.leader)  # may read, may not accept
    client.post(reverse("projects:action", args=[project.pk, "accept_for_review"]))
    project.refresh_from_db()
    assert project.status == "submitted" and not project.reviews.exists()


def test_review_registers_the_reviewer_expert_and_committee_scopes():
    registered = {scope: roles for roles, scope in querysets.VISIBILITY_SCOPES}
    assert registered[visibility.reviewing_unit_scope] == ("reviewer",)
    assert registered[visibility.expert_scope] == ("expert",)
    assert registered[visibility.committee_scope] == ("committee",)


def test_project_page_links_to_the_review_through_the_link_registry(client, actors):
    project = project_in(actors, "submitted")
    client.force_login(actors.office)
    url = reverse("projects:detail", args=[project.pk])
    assert "bi-people" not in client.get(url).content.decode()
    review = review_accept(project=project, by=actors.office).reviews.get()
    page = client.get(url).content.decode()
    assert f'href="{reverse("review:detail", args=[review.pk])}"' in page


def test_project_page_links_to_funding_once_approved(client, actors):
    project = approved_project(actors, Decimal("800000"))
    client.force_login(actors.office)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert f'href="{reverse("budget:project", args=[project.pk])}"' in page
