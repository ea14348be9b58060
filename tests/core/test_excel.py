"""The shared Excel writer: formats, dates, 合计, freeze, print setup, formula safety, names."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.excel import Column, write_workbook
from core.http import attachment_disposition
from projects import services
from tests.factories import Actors, complete_fields

COLUMNS = [
    Column("名称", 30),
    Column("金额（万元）", 14, "wan", total=True),
    Column("日期", 12, "date"),
    Column("时间", 17, "datetime"),
    Column("笔数", 8, "int", total=True),
]


@pytest.fixture
def actors():
    return Actors()


def _book(rows, **kwargs):
    target = io.BytesIO()
    count = write_workbook(target, title="测试台账", columns=COLUMNS, rows=rows, **kwargs)
    target.seek(0)
    return count, load_workbook(target).active


def test_formats_dates_total_freeze_and_print_setup():
    rows = [
        [
            "甲项目",
            Decimal("1674.0000"),
            datetime.date(2026, 3, 2),
            datetime.datetime(2026, 3, 2, 9, 5),
            2,
        ],
        ["乙项目", Decimal("0.1235"), None, None, 3],
    ]
    count, sheet = _book(rows, subtitle="单位：万元")
    assert count == 2
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert sheet["B2"].value == 1674 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].value == datetime.datetime(2026, 3, 2) and sheet["C2"].is_date
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == datetime.datetime(2026, 3, 2, 9, 5)
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["A4"].value == "合计"
    assert sheet["B4"].value == "=SUM(B2:B3)" and sheet["E4"].value == "=SUM(E2:E3)"
    assert sheet["B4"].number_format == "#,##0.00" and sheet["A4"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == pytest.approx(30, abs=1)
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "测试台账" in sheet.oddHeader.center.text
    assert "单位：万元" in sheet.oddFooter.left.text and "&P" in sheet.oddFooter.right.text
    assert sheet.auto_filter.ref == "A1:E3"


def test_total_row_carries_its_value_for_readers_that_do_not_calculate():
    target = io.BytesIO()
    write_workbook(
        target, title="t", columns=COLUMNS, rows=[["a", Decimal("1.5"), None, None, 1]] * 3
    )
    target.seek(0)
    sheet = load_workbook(target, data_only=True).active
    assert sheet["B5"].value == 4.5 and sheet["E5"].value == 3


def test_explicit_totals_and_no_total_row_without_summed_columns():
    plain = [Column("名称"), Column("率（%）", kind="percent")]
    target = io.BytesIO()
    write_workbook(target, title="t", columns=plain, rows=[["a", 25.0]], totals=[None, 12.5])
    target.seek(0)
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[3]] == ["合计", 12.5]
    target = io.BytesIO()
    write_workbook(target, title="t", columns=plain, rows=[["a", 25.0]])
    target.seek(0)
    assert load_workbook(target).active.max_row == 2


def test_text_that_looks_like_a_formula_stays_text():
    hostile = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "=1+1"]
    _count, sheet = _book([[text, None, None, None, None] for text in hostile])
    cells = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(hostile))]
    assert [c.value for c in cells] == hostile
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)


def test_chinese_download_name_with_ascii_fallback():
    header = attachment_disposition("项目台账-20260301.xlsx")
    assert header.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote('项目台账-20260301.xlsx')}" in header
    assert 'filename="download.xlsx"' in header


@pytest.mark.django_db
def test_ledger_export_query_count_does_not_grow_with_rows(client, actors):
    client.force_login(actors.office)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("projects:export"))
            body = b"".join(response.streaming_content)
        return len(ctx.captured_queries), load_workbook(io.BytesIO(body)).active

    for i in range(2):
        _draft(actors, f"项目{i}")
    small, sheet = queries()
    assert sheet.max_row == 3
    for i in range(2, 12):
        _draft(actors, f"项目{i}")
    large, sheet = queries()
    assert sheet.max_row == 13 and large == small
    response = client.get(reverse("projects:export"))
    assert "filename*=UTF-8''" + quote("项目台账-") in response["Content-Disposition"]


def _draft(actors, name):
    services.project_save_draft(
        by=actors.officer,
        fields=complete_fields(actors.jurisdiction, name=name),
        platforms=[],
        data_resources=[],
    )


@pytest.mark.django_db
def test_ledger_export_writes_money_in_wan_and_real_dates(client, actors):
    _draft(actors, "视频共享平台")
    client.force_login(actors.office)
    response = client.get(reverse("projects:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    total = sheet.cell(row=2, column=header.index("总投资（万元）") + 1)
    assert isinstance(total.value, (int, float)) and total.number_format == "#,##0.00"
    updated = sheet.cell(row=2, column=header.index("更新时间") + 1)
    assert isinstance(updated.value, datetime.datetime)
