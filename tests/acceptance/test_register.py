"""The rectification register: its (state × action × role) matrix, isolation between
departments, overdue under a frozen clock, counts per department in one query, the audit
list's findings becoming items, and the Excel export of a year's audit list."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from acceptance import selectors, services
from acceptance.models import AuditEntry, RectificationItem
from core.models import AuditEvent
from core.permissions import WorkflowError
from tests.factories import building_project, draft_project, mark_accepted, upload

pytestmark = pytest.mark.django_db


def office_item(actors, *, department=None, days=10, project=None):
    return services.item_create(
        jurisdiction=actors.jurisdiction,
        department=department or actors.department,
        source="inspection",
        description="四不两直督查发现：机房门禁记录缺失",
        deadline=timezone.localdate() + dt.timedelta(days=days),
        owner="李四",
        project=project,
        by=actors.office,
    )


def _in_state(actors, state):
    item = office_item(actors)
    RectificationItem.objects.filter(pk=item.pk).update(status=state)
    return RectificationItem.objects.get(pk=item.pk)


NOT_DEPT = "只有责任单位的经办人或负责人可以反馈整改情况"
NOT_OFFICE = "只有牵头部门可以销号或退回整改事项"
STATE_LABEL = {"open": "待整改", "responded": "已反馈待销号", "closed": "已销号"}
# action -> (label, sources, target, roles allowed, message for others)
EXPECTED = {
    "respond": ("反馈整改情况", {"open"}, "responded", {"dept_officer", "dept_head"}, NOT_DEPT),
    "close": ("销号", {"responded"}, "closed", {"office"}, NOT_OFFICE),
    "send_back": ("退回重改", {"responded"}, "open", {"office"}, NOT_OFFICE),
}
ROLES = [
    "dept_officer",
    "dept_head",
    "other_dept_officer",
    "office",
    "leader",
    "reviewer",
    "expert",
    "committee",
    "finance",
    "auditor",
    "admin",
]


def _run_action(item, action, user):
    if action == "respond":
        return services.item_respond(item=item, response="已整改", version=item.version, by=user)
    if action == "close":
        return services.item_close(item=item, by=user)
    return services.item_send_back(item=item, reason="佐证不足", by=user)


class Rollback(Exception):
    pass


def _outcome(item, action, user):
    try:
        with transaction.atomic():
            moved = _run_action(item, action, user)
            raise Rollback(moved.status)
    except Rollback as done:
        return done.args[0]
    except WorkflowError as error:
        return str(error)


def _expected(state, action, role):
    label, sources, target, roles, others = EXPECTED[action]
    if role not in roles:
        if role == "other_dept_officer" and others == NOT_DEPT:
            return "只能反馈本单位的整改事项"
        return others
    if state not in sources:
        return f"整改事项当前状态为“{STATE_LABEL[state]}”，不能{label}"
    return target


@pytest.mark.parametrize("state", list(STATE_LABEL))
def test_state_action_role_matrix(actors, state):
    users = actors.by_role()
    item = _in_state(actors, state)
    mismatches = []
    for action in EXPECTED:
        for role in ROLES:
            got, expected = _outcome(item, action, users[role]), _expected(state, action, role)
            if got != expected:
                mismatches.append(f"{state}/{action}/{role}: {got!r} != {expected!r}")
    assert not mismatches, "\n".join(mismatches)
    item.refresh_from_db()
    assert item.status == state


def test_respond_needs_text_and_a_clean_upload_and_changes_nothing_otherwise(actors):
    item = office_item(actors)
    with pytest.raises(WorkflowError, match="请填写整改情况"):
        services.item_respond(item=item, response="  ", version=item.version, by=actors.officer)
    with pytest.raises(WorkflowError, match="文件"):
        services.item_respond(
            item=item,
            response="已整改",
            evidence=upload("证明.pdf", b"MZ not a pdf"),
            version=item.version,
            by=actors.officer,
        )
    with pytest.raises(WorkflowError, match="保存失败"):
        services.item_respond(
            item=item, response="已整改", version=item.version + 1, by=actors.officer
        )
    item.refresh_from_db()
    assert (item.status, item.response, item.evidence.name) == ("open", "", "")


def test_send_back_needs_a_reason(actors):
    item = office_item(actors)
    item = services.item_respond(
        item=item,
        response="已整改",
        evidence=upload("复测报告.pdf"),
        version=item.version,
        by=actors.officer,
    )
    assert item.evidence_name == "复测报告.pdf" and len(item.evidence_sha256) == 64
    with pytest.raises(WorkflowError, match="退回重改须填写理由"):
        services.item_send_back(item=item, reason=" ", by=actors.office)


def test_each_step_is_audited(actors):
    item = office_item(actors)
    item = services.item_respond(
        item=item, response="已整改", version=item.version, by=actors.officer
    )
    item = services.item_send_back(item=item, reason="佐证不足", by=actors.office)
    item = services.item_respond(
        item=item, response="补充佐证", version=item.version, by=actors.head
    )
    services.item_close(item=item, by=actors.office)
    actions = AuditEvent.objects.filter(subject_type="rectificationitem", subject_id=item.pk)
    assert list(actions.order_by("seq").values_list("action", flat=True)) == [
        "rectification_create",
        "rectification_respond",
        "rectification_send_back",
        "rectification_respond",
        "rectification_close",
    ]


def test_office_entry_is_checked(actors):
    other_project = draft_project(actors)  # actors.department's
    with pytest.raises(WorkflowError, match="所选项目不属于该责任单位"):
        office_item(actors, department=actors.other_department, project=other_project)
    with pytest.raises(WorkflowError, match="整改期限须晚于今天"):
        office_item(actors, days=0)
    with pytest.raises(WorkflowError, match="只有牵头部门可以登记整改事项"):
        services.item_create(
            jurisdiction=actors.jurisdiction,
            department=actors.department,
            source="office",
            description="x",
            deadline=timezone.localdate() + dt.timedelta(days=3),
            owner="x",
            by=actors.auditor,
        )
    assert not RectificationItem.objects.exists()


def test_a_department_sees_only_its_own_items_and_the_auditor_all(actors, client):
    mine = office_item(actors)
    theirs = office_item(actors, department=actors.other_department)
    assert set(selectors.items_visible_to(actors.officer)) == {mine}
    assert set(selectors.items_visible_to(actors.other_officer)) == {theirs}
    assert set(selectors.items_visible_to(actors.auditor)) == {mine, theirs}
    assert set(selectors.items_visible_to(actors.office)) == {mine, theirs}
    assert not selectors.items_visible_to(actors.finance).exists()
    client.force_login(actors.other_officer)
    assert client.get(reverse("acceptance:item", args=[mine.pk])).status_code == 404
    page = client.get(reverse("acceptance:register")).content.decode()
    assert "机房门禁" in page and actors.department.name not in page
    response = client.post(
        reverse("acceptance:item_respond", args=[mine.pk]),
        {"response": "越权", "version": mine.version},
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == "open"
    client.force_login(actors.auditor)
    assert client.get(reverse("acceptance:item", args=[mine.pk])).status_code == 200


def test_overdue_is_flagged_under_a_frozen_clock(actors, client):
    item = office_item(actors, days=10)
    deadline = item.deadline
    at = dt.datetime.combine(deadline, dt.time(12), tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        assert not selectors.item_list(user=actors.office, overdue=True).exists()
    with time_machine.travel(at + dt.timedelta(days=1), tick=False):
        assert list(selectors.item_list(user=actors.office, overdue=True)) == [item]
        [row] = selectors.counts_by_department(items=selectors.items_visible_to(actors.office))
        assert (row["total"], row["open"], row["overdue"]) == (1, 1, 1)
        client.force_login(actors.officer)
        page = client.get(reverse("acceptance:item", args=[item.pk])).content.decode()
        assert "逾期" in page


def test_counts_per_department_in_one_query(actors, django_assert_num_queries):
    for _ in range(3):
        office_item(actors)
    closed = office_item(actors, department=actors.other_department)
    closed = services.item_respond(
        item=closed, response="已整改", version=closed.version, by=actors.other_officer
    )
    services.item_close(item=closed, by=actors.office)
    visible = selectors.items_visible_to(actors.auditor)  # resolves the reader's scope
    with django_assert_num_queries(1):
        rows = selectors.counts_by_department(items=visible)
    by_name = {r["department__name"]: r for r in rows}
    assert by_name[actors.department.name]["open"] == 3
    other = by_name[actors.other_department.name]
    assert (other["closed"], other["closed_on_time"], other["open"]) == (1, 1, 0)


@pytest.mark.parametrize("n", [3, 30])
def test_register_page_query_count_does_not_grow(actors, client, n, django_assert_max_num_queries):
    for _ in range(n):
        office_item(actors)
    client.force_login(actors.office)
    with django_assert_max_num_queries(23):
        response = client.get(reverse("acceptance:register"))
    assert response.content.decode().count("机房门禁") >= n


def test_audit_findings_become_items_and_the_year_exports(actors, client):
    project, _, _ = building_project(actors, name='=HYPERLINK("http://x","审计")')
    mark_accepted(actors, project)
    entry = AuditEntry.objects.get(project=project)
    deadline = timezone.localdate() + dt.timedelta(days=60)
    with pytest.raises(WorkflowError, match="只有审计部门可以记录审计情况"):
        services.audit_entry_update(
            entry=entry, status="auditing", version=entry.version, by=actors.office
        )
    with pytest.raises(WorkflowError, match="审计完成的，须填写审计发现"):
        services.audit_entry_update(
            entry=entry, status="done", version=entry.version, by=actors.auditor
        )
    entry = services.audit_entry_update(
        entry=entry,
        status="done",
        findings="合同变更未履行审批程序。",
        new_items=[("补办合同变更审批手续", deadline, "王五")],
        version=entry.version,
        by=actors.auditor,
    )
    item = RectificationItem.objects.get(audit_entry=entry)
    assert (item.source, item.department, item.project) == ("audit", actors.department, project)
    with pytest.raises(WorkflowError, match="保存失败"):
        services.audit_entry_update(
            entry=entry, status="auditing", version=entry.version - 1, by=actors.auditor
        )

    client.force_login(actors.auditor)
    response = client.get(reverse("acceptance:audit_export", args=[entry.year]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "项目编号", "项目名称", "申报单位")
    assert rows[1][2] == '=HYPERLINK("http://x","审计")'  # text, never a formula
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert rows[1][6] == "审计完成" and rows[1][8] == "1/1"
    client.force_login(actors.officer)
    assert client.get(reverse("acceptance:audit_export", args=[entry.year])).status_code == 404
