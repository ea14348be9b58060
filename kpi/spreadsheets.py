"""The Excel round trip of monthly returns: the department's template and reading it back.

The template has one row per return of the department in the period, keyed by 月报编号, with
the key columns locked (sheet protection), a 0–100 whole-number rule on progress, a drop-down
for risk, and the period in a hidden sheet. ``read_upload`` never writes: it returns the rows
to apply or, cell by cell, what is wrong; ``annotate`` marks the bad cells in the workbook.
"""

import io
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel import FORMULA_PREFIXES
from core.money import to_wan
from core.permissions import WorkflowError
from core.uploads import check_upload

from .models import RISK_CHOICES, ProgressReturn, ReportingPeriod
from .services import clean_return_values
from .workflow import EDITABLE_STATES

SHEET, META = "月报", "_meta"
MAX_ROWS = 10_000
MAX_COLUMNS = 40
# (header, field or None for a locked key/info column, width)
COLUMNS = [
    ("月报编号", None, 10),
    ("填报期", None, 9),
    ("类型", None, 8),
    ("编号", None, 16),
    ("名称", None, 34),
    ("计划进度（%）", "planned_progress", 11),
    ("实际进度（%）", "actual_progress", 11),
    ("本月完成节点", "milestones", 26),
    ("存在问题", "problems", 26),
    ("下月计划", "next_plan", 26),
    ("风险等级", "risk", 9),
    ("累计支付（万元，取自资金记录）", None, 14),
    ("状态", None, 12),
]
HEADERS = [c[0] for c in COLUMNS]
FIELD_COLUMN = {f: i for i, (_h, f, _w) in enumerate(COLUMNS) if f}
KEY, PERIOD = 0, 1
RISK_TEXT = dict(RISK_CHOICES)
BAD = PatternFill("solid", fgColor="FFC7CE")
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")

NOT_XLSX = "请上传由本系统下载的 Excel 模板（.xlsx 格式）"
UNREADABLE = "文件无法作为 Excel 工作簿读取，请上传由本系统下载的模板"
NO_SHEET = "工作簿中没有“月报”工作表，请使用本系统下载的模板"
BAD_HEADER = "表头与模板不符（列被增删或改名），请重新下载模板后填写"
NO_PERIOD = "模板缺少填报期信息，请重新下载模板"
TOO_MANY_ROWS = f"表格行数过多，单次最多导入 {MAX_ROWS:,} 行"
TOO_MANY_COLUMNS = f"表格列数过多，模板只有 {len(COLUMNS)} 列"
EMPTY = "文件中没有可导入的月报"
FORMULA = "不允许使用公式，请直接填写数值或文字"
NOT_OURS = "该行不是本单位的月报，不能导入"
OTHER_PERIOD = "该行属于其他填报期（{key}），请使用本期（{period}）的模板"
LOCKED = "该月报当前为“{state}”，不能通过导入修改；如需更正请联系牵头部门"
DUPLICATE = "月报编号重复（与第 {row} 行相同）"
REQUIRED = "{label}未填写"
CLOSED = "{period}填报已于 {closes} 截止，不能再导入"


def template_workbook(*, period, department) -> bytes:
    """The department's template for ``period``, pre-filled with its returns."""
    from .services import refresh_paid

    returns = list(
        ProgressReturn.objects.filter(period=period, department=department)
        .select_related("period", "project", "plan_item__plan")
        .order_by("kind", "pk")
    )
    refresh_paid([r for r in returns if r.status in EDITABLE_STATES])
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font, cell.fill = (
            Font(bold=True, color="FFFFFF"),
            PatternFill("solid", fgColor="1F4E79"),
        )
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in returns:
        ws.append(_row(r))
    last = max(ws.max_row, 2)
    for index, (_header, name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        for row in range(2, last + 1):
            cell = ws.cell(row=row, column=index)
            if name:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.quotePrefix = cell.value.startswith(FORMULA_PREFIXES)
    progress = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        showErrorMessage=True,
        errorTitle="进度须为 0–100",
        error="请填写 0 到 100 之间的整数",
    )
    risk = DataValidation(
        type="list",
        formula1='"' + ",".join(RISK_TEXT.values()) + '"',
        showErrorMessage=True,
        errorTitle="风险等级",
        error="请从下拉列表中选择：无、低、中、高",
    )
    for name, validation in (("planned_progress", progress), ("actual_progress", progress)):
        letter = get_column_letter(FIELD_COLUMN[name] + 1)
        validation.add(f"{letter}2:{letter}{last}")
    letter = get_column_letter(FIELD_COLUMN["risk"] + 1)
    risk.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(progress)
    ws.add_data_validation(risk)
    ws.freeze_panes = "F2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    meta = wb.create_sheet(META)
    meta.append(["period", period.key])
    meta.append(["department", department.code])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(r):
    return [
        r.pk,
        r.period.key,
        r.get_kind_display(),
        r.subject_code,
        r.subject_name,
        r.planned_progress,
        r.actual_progress,
        r.milestones,
        r.problems,
        r.next_plan,
        RISK_TEXT[r.risk],
        float(to_wan(r.cumulative_paid)),
        r.get_status_display(),
    ]


@dataclass
class ReadResult:
    period: ReportingPeriod | None = None
    rows: list = field(default_factory=list)  # (ProgressReturn, values) to apply
    errors: list = field(default_factory=list)  # (row, column index, message)
    content: bytes = b""

    def add(self, row, column, message):
        self.errors.append((row, column, message))


def read_upload(*, upload, by) -> ReadResult:
    """Check and read an uploaded template. File-level problems raise WorkflowError (nothing
    to highlight); cell problems are listed in the result."""
    check_upload(upload)
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise WorkflowError(NOT_XLSX)
    upload.seek(0)
    content = upload.read()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a broken or foreign file
        raise WorkflowError(UNREADABLE) from None
    try:
        return _read(wb, by, content)
    finally:
        wb.close()


def _read(wb, by, content) -> ReadResult:
    if SHEET not in wb.sheetnames:
        raise WorkflowError(NO_SHEET)
    ws = wb[SHEET]
    if (ws.max_row or 0) > MAX_ROWS + 1:
        raise WorkflowError(f"{TOO_MANY_ROWS}（本文件 {ws.max_row - 1:,} 行）")
    if (ws.max_column or 0) > MAX_COLUMNS:
        raise WorkflowError(TOO_MANY_COLUMNS)
    result = ReadResult(content=content)
    result.period = _period(wb, by)
    raw = []
    # Values only (no cell objects): a formula reads as its "=…" text and is refused.
    for number, values in enumerate(ws.iter_rows(max_col=len(COLUMNS), values_only=True), start=1):
        if number > MAX_ROWS + 1:
            raise WorkflowError(TOO_MANY_ROWS)
        cells = [(v, "n") for v in values]
        cells += [(None, "n")] * (len(COLUMNS) - len(cells))
        if number == 1:
            if [str(v or "").strip() for v, _t in cells] != HEADERS:
                raise WorkflowError(BAD_HEADER)
            continue
        if all(v is None or str(v).strip() == "" for v, _t in cells):
            continue
        raw.append((number, cells))
    if not raw:
        raise WorkflowError(EMPTY)
    _rows(raw, result, by)
    return result


def _period(wb, by) -> ReportingPeriod:
    if META not in wb.sheetnames:
        raise WorkflowError(NO_PERIOD)
    meta = {row[0]: row[1] for row in wb[META].iter_rows(max_row=5, max_col=2, values_only=True)}
    key = str(meta.get("period") or "")
    try:
        year, month = (int(x) for x in key.split("-"))
    except ValueError:
        raise WorkflowError(NO_PERIOD) from None
    period = ReportingPeriod.objects.filter(
        jurisdiction_id=by.jurisdiction_id, year=year, month=month
    ).first()
    if period is None:
        raise WorkflowError(f"本辖区没有 {key} 的填报期")
    if timezone.now() >= period.closes_at:
        raise WorkflowError(CLOSED.format(period=period, closes=period.closes_text))
    return period


def _rows(raw, result, by):
    ids = {}
    for number, cells in raw:
        value = cells[KEY][0]
        if isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
            ids[number] = int(value)
        else:
            result.add(number, KEY, NOT_OURS)
    returns = ProgressReturn.objects.filter(
        pk__in=set(ids.values()), department_id=by.organisation_id or -1
    ).select_related("period", "project", "plan_item")
    found = {r.pk: r for r in returns}
    seen = {}
    for number, cells in raw:
        formulas = [i for i, (v, t) in enumerate(cells) if t == "f" or _looks_like_formula(v)]
        for i in formulas:
            result.add(number, i, FORMULA)
        if formulas or number not in ids:
            continue
        ret = found.get(ids[number])
        if ret is None:
            result.add(number, KEY, NOT_OURS)
            continue
        if ret.pk in seen:
            result.add(number, KEY, DUPLICATE.format(row=seen[ret.pk]))
            continue
        seen[ret.pk] = number
        if ret.period_id != result.period.pk or str(cells[PERIOD][0]) != result.period.key:
            key = ret.period.key if ret.period_id != result.period.pk else cells[PERIOD][0]
            result.add(number, PERIOD, OTHER_PERIOD.format(key=key, period=result.period.key))
            continue
        _row_values(number, cells, ret, result)


def _looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def _row_values(number, cells, ret, result):
    data = {name: cells[i][0] for name, i in FIELD_COLUMN.items()}
    values, errors = clean_return_values(data)
    for name, message in errors.items():
        result.add(number, FIELD_COLUMN[name], message)
    if errors:
        return
    changed = any(getattr(ret, k) != v for k, v in values.items())
    if ret.status not in EDITABLE_STATES:
        if changed:
            result.add(number, KEY, LOCKED.format(state=ret.get_status_display()))
        return
    if all(values[f] in (None, "") for f in ProgressReturn.REQUIRED_FIELDS):
        return  # left blank: stays owed, not filed
    for name in ProgressReturn.REQUIRED_FIELDS:
        if values[name] in (None, ""):
            label = str(ProgressReturn._meta.get_field(name).verbose_name)
            result.add(number, FIELD_COLUMN[name], REQUIRED.format(label=label))
    if not any(e[0] == number for e in result.errors):
        result.rows.append((ret, values))


def annotate(result: ReadResult) -> bytes:
    """The uploaded workbook with each bad cell filled red, its comment explaining why, and
    an 错误说明 column per row."""
    wb = load_workbook(io.BytesIO(result.content))
    ws = wb[SHEET]
    ws.protection.sheet = False
    note_column = len(COLUMNS) + 1
    ws.cell(row=1, column=note_column, value="错误说明").font = Font(bold=True, color="C00000")
    ws.column_dimensions[get_column_letter(note_column)].width = 50
    by_row = {}
    for row, column, message in result.errors:
        cell = ws.cell(row=row, column=column + 1)
        cell.fill = BAD
        cell.comment = Comment(message, "系统校验")
        by_row.setdefault(row, []).append(f"{HEADERS[column]}：{message}")
    for row, messages in by_row.items():
        ws.cell(row=row, column=note_column, value="；".join(messages))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
