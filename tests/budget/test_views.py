"""Pages, isolation (404 across departments), bad input through forms, Excel, to-dos."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budget.models import Disbursement
from core.todo import todos_for
from tests.factories import building_project, disbursement_in, initial_passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(actors):
    project, line, contract = building_project(actors)
    milestones = list(contract.milestones.order_by("seq"))
    rows = {
        state: disbursement_in(
            actors, state, project=project, line=line, milestone=milestones[0], amount="50000"
        )
        for state in ["submitted", "verified", "returned", "paid"]
    }
    return project, line, contract, rows


def test_department_officer_gets_404_on_another_departments_funding(client, actors, funded):
    project, _line, contract, rows = funded
    client.force_login(actors.other_officer)
    d = rows["submitted"]
    for url in [
        reverse("budget:project", args=[project.pk]),
        reverse("budget:contract", args=[contract.pk]),
        reverse("budget:disbursement", args=[d.pk]),
        reverse("budget:project_export", args=[project.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("budget:disbursement_action", args=[d.pk, "submit"]))
    assert response.status_code == 404
    listing = client.get(reverse("budget:disbursements"))
    assert project.name not in listing.content.decode()
    export = client.get(reverse("budget:execution_export") + "?year=2026&group=project")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 1  # headers only


def test_pages_render_for_each_role_with_buttons_from_the_table(client, actors, funded):
    project, _line, contract, rows = funded
    client.force_login(actors.finance)
    page = client.get(reverse("budget:disbursement", args=[rows["verified"].pk])).content.decode()
    assert 'data-action="approve"' in page and 'data-action="reject"' in page
    assert 'data-action="verify"' not in page
    client.force_login(actors.office)
    page = client.get(reverse("budget:disbursement", args=[rows["verified"].pk])).content.decode()
    assert "data-action=" not in page
    for name in ["overview", "execution", "disbursements"]:
        assert client.get(reverse(f"budget:{name}")).status_code == 200
    page = client.get(reverse("budget:project", args=[project.pk])).content.decode()
    assert contract.name in page and "终验" in page


def test_action_through_the_page_and_bad_input(client, actors, funded):
    _project, _line, _contract, rows = funded
    client.force_login(actors.office)
    d = Disbursement.objects.get(pk=rows["submitted"].pk)
    url = reverse("budget:disbursement_action", args=[d.pk, "return_"])
    response = client.post(url, {"comment": ""}, follow=True)
    assert "退回修改须填写理由" in response.content.decode()
    d.refresh_from_db()
    assert d.status == "submitted"
    client.post(url, {"comment": "发票抬头有误"})
    d.refresh_from_db()
    assert (d.status, d.last_reason) == ("returned", "发票抬头有误")


def test_negative_and_over_ceiling_money_change_nothing(client, actors, funded):
    project, line, contract, _rows = funded
    client.force_login(actors.officer)
    before = Disbursement.objects.count()
    url = reverse("budget:disbursement_create", args=[project.pk])
    m = contract.milestones.get(seq=1)
    data = {"milestone": m.pk, "budget_line": line.pk, "purpose": "首付款"}
    page = client.post(url, {**data, "amount": "-1"}, follow=True).content.decode()
    assert "申请金额不能为负数" in page
    page = client.post(url, {**data, "amount": "30.000001"}, follow=True).content.decode()
    assert (
        "R10 申请金额 30.00 万元（300,000.01 元） 超出付款节点金额 30.00 万元（300,000.00 元）"
        in page
    )
    assert Disbursement.objects.count() == before
    client.post(url, {**data, "amount": "12.5"})
    assert Disbursement.objects.filter(amount=Decimal("125000")).exists()


def test_execution_export_values_and_formula_safety(client, actors):
    project, line, contract = building_project(actors, name='=HYPERLINK("http://x","点我")')
    m = contract.milestones.get(seq=1)
    disbursement_in(actors, "paid", project=project, line=line, milestone=m, amount="250000")
    disbursement_in(actors, "approved", project=project, line=line, milestone=m, amount="50000")
    m2 = contract.milestones.get(seq=2)
    initial_passed(actors, project)  # m2 waits for 初验 (R10)
    disbursement_in(actors, "submitted", project=project, line=line, milestone=m2, amount="10000")
    client.force_login(actors.finance)
    response = client.get(reverse("budget:execution_export") + "?year=2026&group=project")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("项目", "申报单位", "安排（万元）")
    name, dept, allocated, approved, paid, rate, pending, pending_n = rows[1]
    assert name.startswith("=HYPERLINK") and sheet["A2"].data_type == "s"
    assert (allocated, approved, paid, rate, pending, pending_n) == (100, 5, 25, 25, 1, 1)
    assert dept == "湘潭市大数据中心"


def test_execution_groups_agree_without_fan_out(actors, django_assert_num_queries):
    from budget.selectors import execution

    project, line, contract = building_project(actors)
    m = contract.milestones.get(seq=1)
    for state in ["paid", "paid", "approved", "verified"]:
        disbursement_in(actors, state, project=project, line=line, milestone=m, amount="10000")
    with django_assert_num_queries(1):
        rows = execution(user=actors.finance, year=2026, group="department")
    (row,) = rows
    assert (
        row["allocated"],
        row["paid"],
        row["approved"],
        row["pending"],
        row["pending_count"],
    ) == (Decimal("1000000"), Decimal("20000"), Decimal("10000"), Decimal("10000"), 1)
    assert row["rate"] == Decimal("0.02")


def test_todos_show_requests_with_amounts(actors, funded):
    labels = {item.label: item.count for item in todos_for(actors.finance)}
    assert labels["待审批的拨付申请（合计 5.00 万元）"] == 1
    office = {item.label: item.count for item in todos_for(actors.office)}
    assert office["待审核的拨付申请（合计 5.00 万元）"] == 1
    dept = {item.label: item.count for item in todos_for(actors.officer)}
    assert dept["被退回的拨付申请（合计 5.00 万元）"] == 1


def test_list_and_funding_pages_do_not_grow_queries_with_rows(client, actors):
    project, line, contract = building_project(actors)
    m = contract.milestones.get(seq=1)
    client.force_login(actors.finance)
    urls = [reverse("budget:disbursements"), reverse("budget:project", args=[project.pk])]

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    for state in ["paid", "verified", "verified"]:  # 3 rows
        disbursement_in(actors, state, project=project, line=line, milestone=m, amount="1000")
    assert counts() == [13, 12]  # list (to-dos computed), funding page (to-dos cached)
    for _ in range(27):  # 30 rows
        disbursement_in(actors, "verified", project=project, line=line, milestone=m, amount="1000")
    assert counts() == [13, 12]


def test_project_export_lists_requests_as_literal_text(client, actors):
    from budget import services

    project, line, contract = building_project(actors)
    m = contract.milestones.get(seq=1)
    services.disbursement_create(
        project=project,
        milestone=m,
        budget_line=line,
        amount="1234.56",
        purpose="=cmd|' /C calc'!A0",
        by=actors.officer,
    )
    client.force_login(actors.officer)
    response = client.get(reverse("budget:project_export", args=[project.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[4:6] == ("金额（万元）", "金额（元）") and row[4:6] == (0.1235, 1234.56)
    assert (row[2], row[3], row[6]) == ("签订合同", "2026年建设资金", "草稿")
    assert row[7] == "=cmd|' /C calc'!A0" and sheet["H2"].data_type == "s"


def test_draft_requests_stay_with_the_department_until_submitted(client, actors, funded):
    project, line, contract, rows = funded
    milestone = contract.milestones.order_by("seq").last()
    draft = disbursement_in(
        actors, "draft", project=project, line=line, milestone=milestone, amount="1000"
    )
    url = reverse("budget:disbursement", args=[draft.pk])
    for user, visible in [(actors.officer, True), (actors.finance, False), (actors.office, False)]:
        client.force_login(user)
        assert client.get(url).status_code == (200 if visible else 404)
        listed = client.get(reverse("budget:disbursements")).context["page"]
        assert (draft in list(listed)) == visible


def test_funding_page_and_export_hide_department_drafts(client, actors, funded):
    project, line, contract, rows = funded
    milestone = contract.milestones.order_by("seq").last()
    draft = disbursement_in(
        actors, "draft", project=project, line=line, milestone=milestone, amount="1000"
    )
    client.force_login(actors.finance)
    page = client.get(reverse("budget:project", args=[project.pk]))
    assert draft not in list(page.context["disbursements"])
    assert rows["submitted"] in list(page.context["disbursements"])
