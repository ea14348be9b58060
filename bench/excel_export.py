"""Excel export of 60,000 ledger rows (SPEC §9: under 10 s in bounded memory).

Each measurement runs in its own subprocess so peak RSS (ru_maxrss) is the export's alone:
- ``xlsxwriter``: the product's path, ``projects.exports.write_ledger`` (database rows streamed
  with ``values_list().iterator()`` into ``core.excel.write_workbook``);
- ``openpyxl``: the same rows, formats and frozen header through openpyxl write-only, the
  library the exports used before;
- ``fetch``: the database rows alone, the floor of any writer.
Run: DATABASE_URL=postgres://…/zhengwu_bench python bench/excel_export.py (builds the rows with
bench/ledger.py's synthetic jurisdiction when missing).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from projects import exports  # noqa: E402
from projects.models import Project  # noqa: E402

MODES = ("fetch", "openpyxl", "xlsxwriter")


def _queryset():
    return Project.objects.filter(jurisdiction__code="bench").order_by("-updated_at", "-pk")


def _openpyxl(target, rows):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(exports.TITLE)
    sheet.freeze_panes = "A2"
    formats = {"wan": "#,##0.00", "datetime": "yyyy-mm-dd hh:mm"}
    kinds = [c.kind for c in exports.COLUMNS]
    sheet.append([c.header for c in exports.COLUMNS])
    count = 0
    for values in rows:
        count += 1
        cells = []
        for kind, value in zip(kinds, values, strict=True):
            if kind == "datetime" and value:
                value = value.replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=value)
            if kind in formats:
                cell.number_format = formats[kind]
            elif isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    book.save(target)
    return count


def run(mode):
    queryset = _queryset()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as target:
        if mode == "fetch":
            count = sum(1 for _ in exports._rows(queryset))
        elif mode == "openpyxl":
            count = _openpyxl(target, exports._rows(queryset))
        else:
            count = exports.write_ledger(target, queryset)
        size = target.seek(0, 2)
    elapsed = time.perf_counter() - start
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    peak = cpu.ru_maxrss / 1024
    print(
        f"{mode:10s} {count:6d} rows  {elapsed:6.2f} s wall  {cpu.ru_utime + cpu.ru_stime:6.2f} s "
        f"CPU  peak RSS {peak:5.0f} MB  file {size / 1e6:4.1f} MB",
        flush=True,
    )


def main():
    if len(sys.argv) > 1:
        return run(sys.argv[1])
    if Project.objects.filter(jurisdiction__code="bench").count() < 60000:
        sys.path.insert(0, str(Path(__file__).parent))
        from ledger import build

        build()
    for mode in MODES:
        subprocess.run([sys.executable, __file__, mode], check=True)
    return None


if __name__ == "__main__":
    main()
