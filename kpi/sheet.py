"""The monthly dispatch sheet (月调度表): every department's timeliness and every return's
progress, payments, flags and open dispatch notes, as Excel and as an A4 landscape PDF."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from core.excel import FORMULA_PREFIXES
from core.money import to_wan

from . import selectors

HEAD = (Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79"))
DEPT_HEADERS = [
    "单位",
    "应报",
    "已报",
    "按时",
    "逾期报送",
    "逾期天数合计",
    "逾期未报",
    "按时率（%）",
]
ROW_HEADERS = [
    "单位",
    "类型",
    "名称",
    "项目状态",
    "月报状态",
    "计划进度（%）",
    "实际进度（%）",
    "进度差（百分点）",
    "累计支付（万元）",
    "风险",
    "报送",
    "未办结调度意见",
]


def sheet_data(*, user, period) -> dict:
    departments = selectors.department_summary(user=user, periods=[period])
    for d in departments:
        d["rate"] = round(100 * d["on_time"] / d["owed"], 1) if d["owed"] else None
    rows = list(selectors.project_rows(user=user, period=period))
    notes = {n["department_id"]: n for n in selectors.note_counts(user=user)}
    for d in departments:
        d["notes"] = notes.get(d["department_id"], {})
    return {
        "period": period,
        "departments": departments,
        "rows": rows,
        "generated": timezone.localtime(),
        "flags": [r for r in rows if _flag(r)],
    }


def _flag(r) -> str:
    flags = []
    if r.gap is not None and r.gap > 10:
        flags.append(f"滞后{r.gap}个百分点")
    if r.risk in ("medium", "high"):
        flags.append(f"{r.get_risk_display()}风险")
    if r.received_at is None:
        flags.append("未报")
    elif r.late_days:
        flags.append(f"逾期{r.late_days}天")
    return "、".join(flags)


def _timeliness(r) -> str:
    if r.received_at is None:
        return "未报"
    return f"逾期{r.late_days}天" if r.late_days else "按时"


def _text(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sheet_workbook(*, user, period) -> bytes:
    data = sheet_data(user=user, period=period)
    wb = Workbook()
    ws = wb.active
    ws.title = "单位报送情况"
    ws.append([f"{period.jurisdiction}{period}月调度表（截止 {period.due_text}）"])
    ws.append(DEPT_HEADERS)
    for d in data["departments"]:
        ws.append(
            [
                d["department__name"],
                d["owed"],
                d["filed"],
                d["on_time"],
                d["late"],
                d["late_days"] or 0,
                d["missing"],
                d["rate"],
            ]
        )
    rows = wb.create_sheet("项目进度")
    rows.append(ROW_HEADERS)
    for r in data["rows"]:
        rows.append(
            [
                _text(r.department.name),
                r.get_kind_display(),
                _text(r.subject_name),
                r.project.get_status_display() if r.project_id else "—",
                r.get_status_display(),
                r.planned_progress,
                r.actual_progress,
                r.gap,
                float(to_wan(r.cumulative_paid)),
                r.get_risk_display(),
                _timeliness(r),
                r.open_notes,
            ]
        )
    for sheet_, header_row in ((ws, 2), (rows, 1)):
        for cell in sheet_[header_row]:
            cell.font, cell.fill = HEAD
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet_.freeze_panes = sheet_.cell(row=header_row + 1, column=1)
        for column in "ABCDEFGHIJKL":
            sheet_.column_dimensions[column].width = 14
        sheet_.column_dimensions["A"].width = 24
    rows.column_dimensions["C"].width = 36
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_pdf(*, user, period) -> bytes:
    from weasyprint import HTML

    data = sheet_data(user=user, period=period)
    for r in data["rows"]:
        r.flag_text, r.timeliness = _flag(r), _timeliness(r)
    html = render_to_string("kpi/pdf/sheet.html", data)
    return HTML(string=html).write_pdf()
