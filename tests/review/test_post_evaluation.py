"""Post-evaluation (issue 10 item 5): due 12 months after acceptance, overdue after 24, under
a frozen clock; start and complete through the services; the grade bands; the page, the
office's to-do and the report PDF (text read with pdftotext); scoping."""

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from core.permissions import WorkflowError
from core.todo import todos_for
from review import evaluation as ev
from review import services
from review.models import Grade, PostEvaluation
from tests.evaluation_factories import (
    accepted_project,
    at,
    evaluated_project,
    score_evaluation,
)
from tests.factories import Actors

pytestmark = pytest.mark.django_db
ACCEPTED = dt.date(2026, 3, 31)  # month ends make the month arithmetic honest


@pytest.fixture
def actors():
    return Actors()


def _flag(project, day):
    return ev.with_due_flags(type(project).objects.filter(pk=project.pk), today=day).get().due_flag


@pytest.mark.parametrize(
    "day, flag",
    [
        (dt.date(2027, 3, 30), ev.Due.NOT_DUE),  # a day short of 12 months
        (dt.date(2027, 3, 31), ev.Due.DUE),  # exactly 12 months
        (dt.date(2028, 3, 31), ev.Due.DUE),  # exactly 24 months: the last day of the window
        (dt.date(2028, 4, 1), ev.Due.OVERDUE),  # the day after
    ],
)
def test_due_and_overdue_at_exactly_12_and_24_months(actors, day, flag):
    project, _, _ = accepted_project(actors, accepted_on=ACCEPTED)
    assert _flag(project, day) == flag
    with time_machine.travel(at(day, hour=23), tick=False):  # the page's clock agrees
        assert _flag(project, None) == flag


def test_window_dates_clamp_month_ends():
    assert ev.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert ev.due_dates(at(ACCEPTED)) == (dt.date(2027, 3, 31), dt.date(2028, 3, 31))


def test_grade_bands_live_in_one_place():
    assert [ev.grade_for(Decimal(s)) for s in ("90", "89.99", "80", "60", "59.99", "0")] == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.PASS,
        Grade.FAIL,
        Grade.FAIL,
    ]


def test_start_score_and_complete_through_the_services(actors):
    project, _, _ = accepted_project(actors, accepted_on=ACCEPTED)
    with time_machine.travel(at(dt.date(2027, 4, 15)), tick=False):
        evaluation = services.evaluation_start(project=project, by=actors.office)
        project.refresh_from_db()
        assert project.status == "evaluating"
        assert evaluation.review.occasion == "post_evaluation"
        assert evaluation.accepted_at.date() == ACCEPTED
        # The guard: no score yet, no completion; nothing changes.
        with pytest.raises(WorkflowError, match="尚未抽取专家组"):
            services.evaluation_complete(evaluation=evaluation, by=actors.office, conclusion="好")
        panel = score_evaluation(actors, evaluation, totals=(70, 80, 84))
        assert panel.score == Decimal("78.00")
        with pytest.raises(WorkflowError, match="请填写后评价结论"):
            services.evaluation_complete(evaluation=evaluation, by=actors.office, conclusion=" ")
        done = services.evaluation_complete(
            evaluation=evaluation, by=actors.office, conclusion="基本达到预期目标。"
        )
    project.refresh_from_db()
    assert project.status == "evaluated"
    assert (done.score, done.grade) == (Decimal("78.00"), Grade.PASS)
    assert done.review.status == "decided"
    actions = list(
        AuditEvent.objects.filter(project=project).order_by("seq").values_list("action", flat=True)
    )
    assert actions[-3:] == ["panel_close", "complete_evaluation", "evaluation_complete"]
    assert ev.evaluation_scores([project.pk]) == {project.pk: (Decimal("78.00"), Grade.PASS)}


def test_post_evaluation_criteria_are_the_defaults_and_configurable(actors):
    from review.models import Criterion
    from review.selectors import criteria_for

    names = [
        c[1]
        for c in criteria_for(jurisdiction_id=actors.jurisdiction.pk, occasion="post_evaluation")
    ]
    assert names[:3] == ["实用性", "实战性", "实效性"]
    assert "数据共享成效" in names and "投资控制（实际投入与核定投资）" in names
    Criterion.objects.create(
        jurisdiction=actors.jurisdiction,
        occasion="post_evaluation",
        code="x",
        name="群众满意度",
        weight=100,
    )
    assert [
        c[1]
        for c in criteria_for(jurisdiction_id=actors.jurisdiction.pk, occasion="post_evaluation")
    ] == ["群众满意度"]


def test_only_the_office_starts_and_only_accepted_projects(actors):
    project, _, _ = accepted_project(actors)
    for user in (actors.officer, actors.finance, actors.leader):
        with pytest.raises(WorkflowError):
            services.evaluation_start(project=project, by=user)
    services.evaluation_start(project=project, by=actors.office)
    with pytest.raises(WorkflowError, match="后评价中"):
        services.evaluation_start(project=project, by=actors.office)
    assert PostEvaluation.objects.count() == 1


def test_list_page_flags_and_office_todo(actors, client):
    due, _, _ = accepted_project(actors, accepted_on=dt.date(2025, 6, 1))
    overdue, _, _ = accepted_project(
        actors, accepted_on=dt.date(2024, 6, 1), name="市场监管一体化平台"
    )
    fresh, _, _ = accepted_project(actors, name="智慧档案系统")
    with time_machine.travel(at(dt.date(2026, 11, 22)), tick=False):
        client.force_login(actors.office)
        page = client.get(reverse("review:evaluations"))
        body = page.content.decode()
        assert page.status_code == 200
        assert body.count('data-flag="due"') == 1 and body.count('data-flag="overdue"') == 1
        assert body.count('data-flag="not_due"') == 1
        todo = {t.label: t for t in todos_for(actors.office)}["已到期待启动的后评价"]
        assert todo.count == 2
        listed = client.get(todo.url).content.decode()
        assert due.name in listed and overdue.name in listed and fresh.name not in listed


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_page_query_count_does_not_grow(actors, client):
    url = reverse("review:evaluations")
    for i in range(3):
        accepted_project(actors, name=f"系统{i}")
    client.force_login(actors.office)
    _queries(client, url)  # warm caches
    small = _queries(client, url)
    for i in range(3, 9):
        evaluated_project(
            actors,
            accepted_on=dt.date(2025, 1, 1),
            evaluated_on=dt.date(2026, 2, 1),
            name=f"系统{i}",
        )
    _queries(client, url)  # the writes changed the to-dos: warm them again
    assert _queries(client, url) == small


def test_a_department_sees_only_its_own(actors, client):
    project, _, _ = accepted_project(actors)
    evaluation = services.evaluation_start(project=project, by=actors.office)
    client.force_login(actors.other_officer)
    assert project.name not in client.get(reverse("review:evaluations")).content.decode()
    assert client.get(reverse("review:evaluation", args=[evaluation.pk])).status_code == 404
    client.force_login(actors.officer)
    assert client.get(reverse("review:evaluation", args=[evaluation.pk])).status_code == 200


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_report_pdf_text(actors, client, tmp_path):
    _, _, evaluation = evaluated_project(
        actors, accepted_on=ACCEPTED, evaluated_on=dt.date(2027, 5, 10), totals=(92, 95, 91)
    )
    client.force_login(actors.office)
    response = client.get(reverse("review:evaluation_pdf", args=[evaluation.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = "".join(text.split())  # the title is letter-spaced
    for expected in (
        "项目后评价报告",
        "实用性",
        "实战性",
        "实效性",
        "优秀",
        "92.67",
        "系统运行稳定",
    ):
        assert expected in text, expected
    assert "2027年3月31日" in text  # the window opened 12 months after acceptance


def test_project_page_and_notifications_link_to_the_evaluation(
    actors, client, django_capture_on_commit_callbacks
):
    from core.notifications import notifications_for

    project, _, _ = accepted_project(actors)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_start(project=project, by=actors.office)
    url = reverse("review:evaluation", args=[evaluation.pk])
    client.force_login(actors.officer)
    assert url in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    links = [n.link for n in notifications_for(actors.officer) if n.url == url]
    assert links == [url]
    from tests.factories import UserFactory

    stranger = UserFactory(organisation=actors.other_department, roles=["dept_officer"])
    from core.notifications import with_links

    notice = actors.officer.notifications.get(url=url)
    assert [n.link for n in with_links(stranger, [notice])] == [""]


def test_in_progress_todo_counts_the_rows_it_links_to(actors, client):
    project, _, _ = accepted_project(actors)
    services.evaluation_start(project=project, by=actors.office)
    todo = {t.label: t for t in todos_for(actors.office)}["进行中的后评价"]
    assert todo.count == 1
    client.force_login(actors.office)
    assert client.get(todo.url).content.decode().count('data-flag="') == 1
