"""Pages: the filing screen saves as you go, the office checks, departments see only their own
returns and notes, and the query counts do not grow with rows."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from kpi import services
from kpi.models import DispatchNote, ProgressReturn
from tests.factories import building_project

from .conftest import FILLED, at

pytestmark = pytest.mark.django_db
NOW = at(2026, 4, 8)


def _login(client, user):
    client.force_login(user)
    return client


def test_the_filing_screen_saves_as_you_go(client, dispatch):
    ret = ProgressReturn.objects.get(period=dispatch.period, kind="project")
    _login(client, dispatch.officer)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("kpi:file"))
        assert page.status_code == 200 and "统一政务云基础设施扩容" in page.content.decode()
        saved = client.post(
            reverse("kpi:return_save", args=[ret.pk]), FILLED, HTTP_HX_REQUEST="true"
        )
        assert "已保存" in saved.content.decode()
        refused = client.post(
            reverse("kpi:return_save", args=[ret.pk]), {**FILLED, "actual_progress": "150"}
        )
        assert "未保存：实际进度须为 0–100 的整数" in refused.content.decode()
        assert 'value="150"' in refused.content.decode()  # what was typed stays on screen
        ret.refresh_from_db()
        assert (ret.planned_progress, ret.actual_progress, ret.risk) == (60, 45, "medium")
        client.post(reverse("kpi:submit_all"), {"period": dispatch.period.pk})
    ret.refresh_from_db()
    assert ret.status == "awaiting_head" and ret.received_at == NOW


def test_departments_see_only_their_own(client, dispatch):
    ret = ProgressReturn.objects.get(period=dispatch.period, kind="project")
    with time_machine.travel(NOW, tick=False):
        note = services.note_issue(
            by=dispatch.office,
            department=dispatch.department,
            project=dispatch.project,
            instruction="请加快进度",
            deadline=dt.date(2026, 4, 30),
        )
    _login(client, dispatch.other_officer)
    for name, pk in (("kpi:return", ret.pk), ("kpi:note", note.pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse("kpi:return_save", args=[ret.pk]), FILLED).status_code == 404
    assert client.post(reverse("kpi:return_action", args=[ret.pk, "submit"])).status_code == 404
    assert (
        client.post(
            reverse("kpi:note_action", args=[note.pk, "answer"]), {"answer": "x"}
        ).status_code
        == 404
    )
    assert "统一政务云" not in client.get(reverse("kpi:file")).content.decode()
    assert "请加快进度" not in client.get(reverse("kpi:notes")).content.decode()
    page = client.get(reverse("kpi:check"))
    assert "统一政务云" not in page.content.decode()
    ret.refresh_from_db()
    assert ret.planned_progress is None
    for user in (dispatch.office, dispatch.leader, dispatch.auditor):
        _login(client, user)
        assert client.get(reverse("kpi:return", args=[ret.pk])).status_code == 200


def test_leaders_read_but_cannot_act(client, dispatch):
    ret = ProgressReturn.objects.get(period=dispatch.period, kind="project")
    _login(client, dispatch.leader)
    page = client.get(reverse("kpi:return", args=[ret.pk])).content.decode()
    assert 'data-bs-target="#modal-' not in page
    client.post(reverse("kpi:return_action", args=[ret.pk, "accept"]))
    ret.refresh_from_db()
    assert ret.status == "draft"


def _more_projects(actors, n):
    for i in range(n):
        building_project(actors, name=f"扩建项目{i}", approved="200000", contract="200000")


PAGES = [
    ("office", "kpi:check"),
    ("office", "kpi:projects"),
    ("office", "kpi:notes"),
    ("officer", "kpi:file"),
    ("leader", "kpi:check"),
]
# Pinned: the page's own reads plus the navigation's to-do counts of every app.
MAX_QUERIES = 24


def _counts(client, actors, period):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for role, name in PAGES:
        _login(client, getattr(actors, role))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name), {"period": period.pk}).status_code == 200
        counts[(role, name)] = len(ctx)
    return counts


def test_page_query_counts_do_not_grow_with_rows(client, dispatch):
    with time_machine.travel(at(2026, 5, 1, 0, 10), tick=False):
        small, _ = services.period_open(jurisdiction=dispatch.jurisdiction, year=2026, month=4)
    before = _counts(client, dispatch, small)
    _more_projects(dispatch, 3)
    with time_machine.travel(at(2026, 6, 1, 0, 10), tick=False):
        large, _ = services.period_open(jurisdiction=dispatch.jurisdiction, year=2026, month=5)
    assert (small.owed_count, large.owed_count) == (2, 5)
    after = _counts(client, dispatch, large)
    assert after == before, (before, after)
    assert max(after.values()) <= MAX_QUERIES, after


def test_the_dispatch_sheet_as_excel_and_chinese_pdf(client, dispatch):
    _login(client, dispatch.office)
    xlsx = client.get(reverse("kpi:sheet_xlsx", args=[dispatch.period.pk]))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["单位报送情况", "项目进度"]
    assert wb["项目进度"].max_row == 3
    pdf = client.get(reverse("kpi:sheet_pdf", args=[dispatch.period.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "月调度表" in text and "统一政务云基础设施扩容" in text


def test_the_import_page_explains_and_offers_the_marked_workbook(client, dispatch):
    from .test_import import filled

    content = filled(dispatch, lambda wb, ws: ws.cell(row=2, column=6, value="七十"))
    _login(client, dispatch.officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with time_machine.travel(NOW, tick=False):
        page = client.post(
            reverse("kpi:import"),
            {"period": dispatch.period.pk, "file": SimpleUploadedFile("月报.xlsx", content)},
        )
    assert page.status_code == 400
    body = page.content.decode()
    assert "计划进度须为 0–100 的整数" in body and "第 2 行" in body
    token = page.context["token"]
    assert client.get(reverse("kpi:import_errors", args=[token])).status_code == 200
    _login(client, dispatch.other_officer)
    assert client.get(reverse("kpi:import_errors", args=[token])).status_code == 404
    assert not ProgressReturn.objects.filter(received_at__isnull=False).exists()


def test_todos_follow_the_next_step(dispatch):
    from core.todo import todos_for

    with time_machine.travel(at(2026, 4, 12), tick=False):
        labels = {t.label: t.count for t in todos_for(dispatch.officer)}
        assert labels == {"已逾期未报的月报": 2}
        ret = ProgressReturn.objects.get(period=dispatch.period, kind="project")
        services.return_save(ret=ret, by=dispatch.officer, data=FILLED)
        services.return_submit(ret=ret, by=dispatch.officer)
        assert {t.label: t.count for t in todos_for(dispatch.head)} == {"待确认的月报": 1}
        services.return_confirm(ret=ret, by=dispatch.head)
        assert {t.label: t.count for t in todos_for(dispatch.office)} == {"待审核的月报": 1}
    assert DispatchNote.objects.count() == 0
