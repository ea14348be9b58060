import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from projects import services
from projects.models import Attachment, Project
from tests.factories import (
    Actors,
    complete_fields,
    draft_project,
    office_file,
    project_in,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def _login(client, user):
    client.force_login(user)
    return client


def _urls(project, attachment):
    pk, a = project.pk, attachment.pk
    gets = [
        reverse("projects:detail", args=[pk]),
        reverse("projects:edit", args=[pk]),
        reverse("projects:attachment_download", args=[pk, a]),
    ]
    posts = [
        reverse("projects:action", args=[pk, "submit"]),
        reverse("projects:action", args=[pk, "suspend"]),
        reverse("projects:confirm", args=[pk]),
        reverse("projects:receive", args=[pk]),
        reverse("projects:justify", args=[pk, "R1"]),
        reverse("projects:attachment_upload", args=[pk]),
        reverse("projects:attachment_delete", args=[pk, a]),
    ]
    return gets, posts


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_other_department_gets_404_on_every_project_url(client, actors, state):
    project = project_in(actors, state)
    attachment = project.attachments.first()
    _login(client, actors.other_officer)
    gets, posts = _urls(project, attachment)
    for url in gets:
        assert client.get(url).status_code == 404, url
    events = AuditEvent.objects.count()
    for url in posts:
        assert client.post(url, {"comment": "x", "text": "x"}).status_code == 404, url
    assert AuditEvent.objects.count() == events
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("role", ["expert", "reviewer", "committee", "finance"])
def test_readers_without_scope_cannot_see_drafts(client, actors, role):
    project = project_in(actors, "draft")
    _login(client, actors.by_role()[role])
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404


@pytest.mark.parametrize("role", ["office", "leader", "auditor", "admin", "dept_head"])
def test_office_and_readers_see_the_project(client, actors, role):
    project = project_in(actors, "submitted")
    _login(client, actors.by_role()[role])
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    assert project.name in response.content.decode()


def test_export_contains_only_visible_rows(client, actors):
    mine = project_in(actors, "draft")
    services.project_save_draft(
        by=actors.other_officer,
        fields=complete_fields(actors.jurisdiction, name="公安专属项目"),
        platforms=[],
        data_resources=[],
    )
    _login(client, actors.officer)
    response = client.get(reverse("projects:export"))
    names = _sheet_names(response)
    assert names == [mine.name]


def _sheet_names(response):
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    return [row[1].value for row in ws.iter_rows(min_row=2)]


def test_export_never_writes_a_formula(client, actors):
    for name in ('=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)"):
        services.project_save_draft(
            by=actors.officer, fields={"name": name}, platforms=[], data_resources=[]
        )
    _login(client, actors.office)
    response = client.get(reverse("projects:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [row[1] for row in wb.active.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == sorted(
        ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)"]
    )
    assert {c.data_type for c in cells} == {"s"}


def test_ledger_filters(client, actors):
    a = draft_project(actors, name="政务云扩容")
    b = draft_project(actors, name="视频共享平台", protection_level=3, category="upgrade")
    services.project_save_draft(
        by=actors.officer, fields={"name": "只有名称"}, platforms=[], data_resources=[]
    )
    _login(client, actors.officer)

    def names(**params):
        response = client.get(reverse("projects:ledger"), params)
        return {p.name for p in response.context["page"]}

    assert names(q="视频") == {b.name}
    assert names(protection_level=3) == {b.name}
    assert names(category="upgrade") == {b.name}
    assert names(year=2026) == {a.name, b.name}
    assert names(year=2027) == set()
    assert names(status="submitted") == set()
    assert len(names()) == 3
    response = client.get(reverse("projects:ledger"), {"sort": "-total"})
    totals = [p.total_investment for p in response.context["page"]]
    assert totals == sorted(totals, reverse=True)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


LEDGER_QUERIES = 22  # session, user, roles, scope, page, count, to-do stamp, to-dos, unread


@pytest.mark.parametrize("rows", [3, 30])
def test_ledger_query_count_is_pinned_whatever_the_rows(client, actors, rows):
    for i in range(rows):
        project_in(actors, "submitted", name=f"项目{i}")
    _login(client, actors.office)
    count, response = _queries(client, reverse("projects:ledger"))
    assert len(response.context["page"]) == rows
    assert count == LEDGER_QUERIES


DETAIL_QUERIES = 26  # the first request computes every app's to-dos (cached after)


@pytest.mark.parametrize("rows", [3, 30])
def test_detail_query_count_is_pinned_whatever_the_history(client, actors, rows):
    project = draft_project(actors)
    fields = complete_fields(actors.jurisdiction)
    resources = [
        {"name": f"数据资源{i}", "sharing_mode": "conditional", "consumers": "市公安局"}
        for i in range(rows)
    ]
    for i in range(rows):  # each save is one event on the timeline
        fields["summary"] = f"第{i}次修改"
        project = services.project_save_draft(
            project=project,
            by=actors.officer,
            fields=fields,
            platforms=[],
            data_resources=resources,
            version=project.version,
        )
    _login(client, actors.officer)
    count, response = _queries(client, reverse("projects:detail", args=[project.pk]))
    page = response.content.decode()
    assert page.count("数据资源") >= rows and page.count("修改申报信息") >= rows
    assert count == DETAIL_QUERIES


def test_create_form_saves_partial_draft_and_converts_wan(client, actors):
    _login(client, actors.officer)
    data = {
        "name": "新建草稿",
        "invest_hardware": "12.5",
        "invest_security": "1.25",
        "data-TOTAL_FORMS": "0",
        "data-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("projects:create"), data)
    project = Project.objects.get(name="新建草稿")
    assert response.status_code == 302
    assert project.total_investment == Decimal("137500.00")
    assert project.status == "draft" and project.code.startswith("XT-")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("invest_hardware", "-1", "硬件不能为负数"),
        ("invest_software", "abc", "软件须为数字"),
        ("end_year", "2020", "建设终止年度不能早于起始年度"),
        ("start_year", "1999", "年度不能早于2000年"),
        ("name", "", "请填写项目名称"),
    ],
)
def test_bad_input_gets_a_specific_message_and_changes_nothing(
    client, actors, field, value, message
):
    _login(client, actors.officer)
    data = {
        "name": "坏数据",
        "start_year": "2026",
        "end_year": "2026",
        "data-TOTAL_FORMS": "0",
        "data-INITIAL_FORMS": "0",
        field: value,
    }
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Project.objects.exists()


def test_preflight_partial_evaluates_unsaved_form(client, actors):
    _login(client, actors.officer)
    response = client.post(
        reverse("projects:preflight"),
        {
            "name": "x",
            "invest_hardware": "90",
            "invest_security": "10",
            "protection_level": "3",
            "data-TOTAL_FORMS": "0",
            "data-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert 'data-rule="R1" data-status="pass"' in html
    assert 'data-rule="R2" data-status="blocking"' in html
    assert not Project.objects.exists()


def test_live_preflight_of_a_returned_project_does_not_find_itself_in_r7(client, actors):
    project = project_in(actors, "returned", name="统一电子证照管理系统")
    _login(client, actors.officer)
    response = client.post(
        reverse("projects:preflight"),
        {
            "project_id": str(project.pk),
            "name": "统一电子证照管理系统",
            "data-TOTAL_FORMS": "0",
            "data-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert 'data-rule="R7" data-status="pass"' in html
    assert "未发现相似的项目或已建信息系统" in html


def test_action_refusal_shows_message_and_changes_nothing(client, actors):
    project = project_in(actors, "submitted")
    _login(client, actors.office)
    response = client.post(
        reverse("projects:action", args=[project.pk, "return_"]), {"comment": ""}, follow=True
    )
    assert "退回修改须填写理由" in response.content.decode()
    project.refresh_from_db()
    assert project.status == "submitted"


class TestAttachments:
    def _post(self, client, project, name, content, kind="proposal"):
        return client.post(
            reverse("projects:attachment_upload", args=[project.pk]),
            {"kind": kind, "file": upload(name, content)},
            follow=True,
        )

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("virus.exe", b"MZ\x90\x00", "不支持的文件类型"),
            ("fake.pdf", b"<html>not a pdf</html>", "文件内容与扩展名"),
            ("noext", b"%PDF-1.4", "不支持的文件类型"),
        ],
    )
    def test_rejected_uploads(self, client, actors, name, content, message):
        project = draft_project(actors, complete=False, name="草稿")
        _login(client, actors.officer)
        response = self._post(client, project, name, content)
        assert message in response.content.decode()
        assert not project.attachments.exists()

    def test_too_large(self, client, actors, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024
        project = draft_project(actors, complete=False, name="草稿")
        _login(client, actors.officer)
        response = self._post(client, project, "big.pdf", b"%PDF-" + b"0" * 2000)
        assert "超过上限" in response.content.decode()
        assert not project.attachments.exists()

    def test_missing_kind(self, client, actors):
        project = draft_project(actors, complete=False, name="草稿")
        _login(client, actors.officer)
        response = self._post(client, project, "a.pdf", b"%PDF-1.4", kind="")
        assert "请选择材料类型" in response.content.decode()

    def test_accepted_upload_is_served_only_to_those_who_may_see(self, client, actors):
        project = draft_project(actors, complete=False, name="草稿")
        _login(client, actors.officer)
        docx = office_file()
        self._post(client, project, "方案.docx", docx)
        attachment = project.attachments.get()
        assert attachment.original_name == "方案.docx" and attachment.size == len(docx)
        url = reverse("projects:attachment_download", args=[project.pk, attachment.pk])
        response = client.get(url)
        assert b"".join(response.streaming_content) == docx
        _login(client, actors.other_officer)
        assert client.get(url).status_code == 404

    def test_attachments_frozen_after_submission(self, client, actors):
        project = project_in(actors, "submitted")
        _login(client, actors.officer)
        response = self._post(client, project, "a.pdf", b"%PDF-1.4")
        assert "只有草稿或退回修改的项目可以编辑" in response.content.decode()
        assert project.attachments.count() == 1


def test_head_todo_count_matches_the_list_it_links_to(client, actors):
    from core.todo import todos_for

    draft_project(actors, name="待确认一")
    confirmed = draft_project(actors, name="已确认")
    services.project_confirm(project=confirmed, by=actors.head)
    project_in(actors, "submitted", name="已提交")
    item = next(t for t in todos_for(actors.head) if t.label == "待负责人确认的申报")
    _login(client, actors.head)
    listed = client.get(item.url).context["page"]
    assert item.count == len(listed) == 1
    assert [p.name for p in listed] == ["待确认一"]


def test_confirmation_is_signposted_before_submit_and_officer_is_notified(
    client, actors, django_capture_on_commit_callbacks
):
    project = draft_project(actors)
    _login(client, actors.officer)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "本辖区要求单位负责人确认后方可提交，尚未确认" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.project_confirm(project=project, by=actors.head)
    assert actors.officer.notifications.filter(text__contains="单位负责人已确认").exists()


def test_sort_and_filter_choices_are_chinese(client, actors):
    _login(client, actors.officer)
    html = client.get(reverse("projects:ledger")).content.decode()
    assert "总投资（高→低）" in html
    for english in ("descending", "Updated", "---------"):
        assert english not in html
