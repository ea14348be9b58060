"""The Excel round trip: a valid file files every row with the upload's receipt time; one bad
cell or any hostile file rejects everything and writes nothing."""

import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from core.models import AuditEvent
from core.permissions import WorkflowError
from kpi import services, spreadsheets
from kpi.models import ProgressReturn
from tests.factories import PDF

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(2026, 4, 12, 9, 30)  # two days after the due day


def template(actors):
    with time_machine.travel(NOW, tick=False):
        return spreadsheets.template_workbook(period=actors.period, department=actors.department)


def filled(actors, edit=None):
    wb = load_workbook(io.BytesIO(template(actors)))
    ws = wb[spreadsheets.SHEET]
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=6, value=70)
        ws.cell(row=row, column=7, value=55)
        ws.cell(row=row, column=8, value="完成联调")
        ws.cell(row=row, column=10, value="上线试运行")
        ws.cell(row=row, column=11, value="低")
    if edit:
        edit(wb, ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(content, name="月报.xlsx"):
    return SimpleUploadedFile(name, content)


def snapshot():
    rows = ProgressReturn.objects.order_by("pk").values_list(
        "status", "planned_progress", "actual_progress", "received_at"
    )
    return list(rows), AuditEvent.objects.count()


def run_import(actors, content, name="月报.xlsx"):
    with time_machine.travel(NOW, tick=False):
        return services.returns_import(by=actors.officer, upload=upload(content, name))


def test_the_template_is_prefilled_locked_and_validated(dispatch):
    wb = load_workbook(io.BytesIO(template(dispatch)))
    ws = wb[spreadsheets.SHEET]
    assert [c.value for c in ws[1]] == spreadsheets.HEADERS
    assert ws.max_row == 3 and ws.protection.sheet
    assert {ws.cell(row=r, column=5).value for r in (2, 3)} == {
        "统一政务云基础设施扩容",
        "一网通办能力提升",
    }
    assert (
        ws.cell(row=2, column=1).protection.locked
        and not ws.cell(row=2, column=6).protection.locked
    )
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert (rules["whole"].formula1, rules["whole"].formula2) == ("0", "100")
    assert rules["list"].formula1 == '"无,低,中,高"'
    assert (
        wb[spreadsheets.META]["B1"].value == "2026-03"
        and wb[spreadsheets.META].sheet_state == "hidden"
    )


def test_a_valid_file_files_every_row_with_the_upload_time(dispatch):
    done = run_import(dispatch, filled(dispatch))
    assert len(done) == 2
    rows = ProgressReturn.objects.filter(period=dispatch.period)
    assert {(r.status, r.planned_progress, r.actual_progress, r.risk) for r in rows} == {
        ("awaiting_head", 70, 55, "low")
    }
    assert {(r.received_at, r.late_days, r.via_import) for r in rows} == {(NOW, 2, True)}
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert list(actions).count("return_submit") == 2 and "returns_import" in actions
    from core.audit import audit_verify

    assert audit_verify() is None  # the bulk append keeps the chain intact


def test_one_bad_cell_rejects_the_file_and_marks_the_cell(dispatch):
    before = snapshot()
    content = filled(dispatch, lambda wb, ws: ws.cell(row=3, column=7, value=130))
    with pytest.raises(services.ImportRejected) as rejected:
        run_import(dispatch, content)
    assert rejected.value.result.errors == [(3, 6, "实际进度须为 0–100 的整数")]
    assert snapshot() == before
    marked = load_workbook(io.BytesIO(spreadsheets.annotate(rejected.value.result)))[
        spreadsheets.SHEET
    ]
    assert marked.cell(row=3, column=7).fill.fgColor.rgb.endswith("FFC7CE")
    assert "0–100" in marked.cell(row=3, column=7).comment.text
    assert marked.cell(row=3, column=14).value == "实际进度（%）：实际进度须为 0–100 的整数"
    assert marked.cell(row=2, column=14).value is None


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _other_period_row(wb, ws):
    ws.cell(row=2, column=2, value="2026-02")


def _formula(wb, ws):
    ws.cell(row=2, column=6, value="=50+20")


def _wrong_type(wb, ws):
    ws.cell(row=2, column=6, value="七十")


def _fraction(wb, ws):
    ws.cell(row=2, column=7, value=55.5)


def _bad_risk(wb, ws):
    ws.cell(row=2, column=11, value="很高")


def _header(wb, ws):
    ws.cell(row=1, column=6, value="进度")


def _missing_plan(wb, ws):
    ws.cell(row=2, column=10).value = None


def _enormous(wb, ws):
    for row in range(4, spreadsheets.MAX_ROWS + 10):
        ws.cell(row=row, column=1, value=row)


HOSTILE = {
    "not_xlsx": (lambda a: PDF, "月报.pdf", "请上传由本系统下载的 Excel 模板"),
    "renamed_text": (lambda a: b"name,progress\n", "月报.xlsx", "文件内容与扩展名"),
    "zip_bomb": (
        lambda a: _zip({"xl/workbook.xml": b"0" * (60 * 1024 * 1024)}),
        "月报.xlsx",
        "疑似压缩炸弹",
    ),
    "zip_not_workbook": (
        lambda a: _zip({"a.txt": b"hello"}),
        "月报.xlsx",
        "无法作为 Excel 工作簿读取",
    ),
    "enormous": (lambda a: filled(a, _enormous), "月报.xlsx", "表格行数过多"),
    "header": (lambda a: filled(a, _header), "月报.xlsx", "表头与模板不符"),
}
CELL = {
    "formula": (_formula, 2, 5, "不允许使用公式"),
    "wrong_type": (_wrong_type, 2, 5, "计划进度须为 0–100 的整数"),
    "fraction": (_fraction, 2, 6, "实际进度须为 0–100 的整数"),
    "risk": (_bad_risk, 2, 10, "风险等级须从下拉列表选择"),
    "other_period_row": (_other_period_row, 2, 1, "属于其他填报期"),
    "missing_plan": (_missing_plan, 2, 9, "下月计划未填写"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_change_nothing(dispatch, case):
    make, name, message = HOSTILE[case]
    content = make(dispatch)
    before = snapshot()
    with pytest.raises(WorkflowError, match=message):
        run_import(dispatch, content, name)
    assert snapshot() == before


@pytest.mark.parametrize("case", sorted(CELL))
def test_bad_cells_change_nothing(dispatch, case):
    edit, row, column, message = CELL[case]
    before = snapshot()
    with pytest.raises(services.ImportRejected) as rejected:
        run_import(dispatch, filled(dispatch, edit))
    assert [(r, c) for r, c, _m in rejected.value.result.errors] == [(row, column)]
    assert message in rejected.value.result.errors[0][2]
    assert snapshot() == before


def test_another_departments_file_changes_nothing(dispatch):
    before = snapshot()
    with time_machine.travel(NOW, tick=False), pytest.raises(services.ImportRejected) as rejected:
        services.returns_import(by=dispatch.other_officer, upload=upload(filled(dispatch)))
    assert {m for _r, _c, m in rejected.value.result.errors} == {spreadsheets.NOT_OURS}
    assert snapshot() == before


def test_another_periods_file_changes_nothing(dispatch):
    with time_machine.travel(at(2026, 5, 1), tick=False):
        services.period_open(jurisdiction=dispatch.jurisdiction, year=2026, month=4)
    content = filled(
        dispatch, lambda wb, ws: wb[spreadsheets.META].cell(row=1, column=2, value="2026-04")
    )
    before = snapshot()
    with (
        time_machine.travel(at(2026, 5, 2), tick=False),
        pytest.raises(services.ImportRejected) as rejected,
    ):
        services.returns_import(by=dispatch.officer, upload=upload(content))
    assert {c for _r, c, _m in rejected.value.result.errors} == {spreadsheets.PERIOD}
    assert snapshot() == before


def test_an_accepted_return_cannot_be_changed_by_import(dispatch):
    run_import(dispatch, filled(dispatch))
    for ret in ProgressReturn.objects.all():
        services.return_confirm(ret=ret, by=dispatch.head)
        services.return_accept(ret=ret, by=dispatch.office)
    before = snapshot()
    content = filled(dispatch, lambda wb, ws: ws.cell(row=2, column=7, value=60))
    with pytest.raises(services.ImportRejected) as rejected:
        run_import(dispatch, content)
    assert "已审核" in rejected.value.result.errors[0][2]
    assert snapshot() == before


def test_the_commands_round_trip_and_fail_with_nothing_written(dispatch, tmp_path):
    path = tmp_path / "模板.xlsx"
    with time_machine.travel(NOW, tick=False):
        call_command(
            "export_return_template",
            user=dispatch.officer.username,
            period="2026-03",
            output=str(path),
        )
    bad = tmp_path / "坏.xlsx"
    wb = load_workbook(path)
    wb[spreadsheets.SHEET].cell(row=2, column=6, value=101)
    wb.save(bad)
    before = snapshot()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="1 处错误"):
        call_command("import_returns", user=dispatch.officer.username, file=str(bad))
    assert snapshot() == before and (tmp_path / "坏.错误标注.xlsx").exists()
    good = tmp_path / "好.xlsx"
    good.write_bytes(filled(dispatch))
    with time_machine.travel(NOW, tick=False):
        call_command("import_returns", user=dispatch.officer.username, file=str(good))
    assert ProgressReturn.objects.filter(received_at=NOW).count() == 2
