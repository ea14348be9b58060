"""Excel writing helpers: streamed (write-only) workbooks that never emit formulas."""

import tempfile

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_cell(ws, value, style=None):
    """A cell whose strings are always literal text, even when they look like formulas."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    if style:
        cell.font, cell.fill, cell.alignment = style
    return cell


HEADER_STYLE = (
    Font(bold=True, color="FFFFFF"),
    PatternFill("solid", fgColor="1F4E79"),
    Alignment(horizontal="center", vertical="center", wrap_text=True),
)


def workbook_response(*, filename, title, headers, rows, widths=None):
    """Stream rows into a write-only workbook spooled to disk and return it as a download."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title)
    for index, width in enumerate(widths or [], start=1):
        ws.column_dimensions[_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([text_cell(ws, h, HEADER_STYLE) for h in headers])
    for row in rows:
        ws.append([text_cell(ws, value) for value in row])
    spool = tempfile.TemporaryFile()
    wb.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_MIME)


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
