"""Benchmark cases of monthly dispatch (see ``core/bench.py``): the office's check page of the
latest period against a bare JSON floor of the same rows, and an import of 5,000 returns.

The import works on a bench-owned period (January 2099) of one department with 5,000 task
returns, created once in the benchmark database; each timed call files them all and rolls
back, so every run imports the same file into the same drafts."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook

from core.bench import CALL, bench_case
from core.models import Organisation, Role, User
from projects.models import AnnualPlan, AnnualPlanItem

from .models import ProgressReturn, ReportingPeriod
from .services import period_deadlines, returns_import
from .spreadsheets import SHEET, template_workbook

IMPORT_ROWS = 5_000


def _office(env):
    return env.user(Role.OFFICE)


def _period(env):
    return env.once(
        "kpi_period",
        lambda: (
            ReportingPeriod.objects.filter(jurisdiction=env.jurisdiction, year__lt=2099)
            .order_by("-year", "-month")
            .first()
        ),
    )


def _check_floor(user, env):
    rows = (
        ProgressReturn.objects.visible_to(user)
        .filter(period=_period(env))
        .order_by(F("received_at").asc(nulls_last=True), "pk")
        .values(
            "pk", "department__name", "project__name", "plan_item__name", "status",
            "planned_progress", "actual_progress", "risk", "received_at", "late_days",
        )[:50]
    )  # fmt: skip
    summary = (
        ProgressReturn.objects.visible_to(user)
        .filter(period=_period(env))
        .timeliness_by_department(timezone.now())
    )
    return {"rows": list(rows), "summary": list(summary)}


bench_case(
    "月报审核（牵头部门，最近一期）",
    group="kpi",
    user=_office,
    url=lambda env: f"/kpi/check/?period={_period(env).pk}",
    floors={"bare": _check_floor},
)


def _prepare(env):
    """The bench-owned period and the filled template (5,000 rows), built once."""
    j = env.jurisdiction
    officer = (
        User.objects.filter(
            organisation__jurisdiction=j,
            organisation__kind="department",
            roles__code=Role.DEPT_OFFICER,
        )
        .order_by("pk")
        .first()
    )
    department = Organisation.objects.get(pk=officer.organisation_id)
    period = ReportingPeriod.objects.filter(jurisdiction=j, year=2099, month=1).first()
    if period is None:
        with transaction.atomic():
            due_at, closes_at = period_deadlines(
                2099, 1, type("C", (), {"due_day": 10, "close_after_days": 10})
            )
            period = ReportingPeriod.objects.create(
                jurisdiction=j, year=2099, month=1, due_at=due_at, closes_at=closes_at,
                requires_head=True, owed_count=IMPORT_ROWS,
            )  # fmt: skip
            plan, _ = AnnualPlan.objects.get_or_create(
                jurisdiction=j, year=2099, defaults={"title": "基准测试任务清单（2099）"}
            )
            items = AnnualPlanItem.objects.bulk_create(
                AnnualPlanItem(
                    plan=plan, code=f"B{i:05d}", name=f"基准测试任务{i}", lead=department
                )
                for i in range(IMPORT_ROWS)
            )
            ProgressReturn.objects.bulk_create(
                ProgressReturn(
                    period=period,
                    jurisdiction=j,
                    department=department,
                    kind="task",
                    plan_item=item,
                )  # fmt: skip
                for item in items
            )
    wb = load_workbook(io.BytesIO(template_workbook(period=period, department=department)))
    ws = wb[SHEET]
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=6, value=60)
        ws.cell(row=row, column=7, value=55)
        ws.cell(row=row, column=10, value="完成部署")
        ws.cell(row=row, column=11, value="低")
    out = io.BytesIO()
    wb.save(out)
    return officer, out.getvalue()


def _import(env):
    officer, content = env.once("kpi_import", lambda: _prepare(env))
    with transaction.atomic():
        done = returns_import(by=officer, upload=SimpleUploadedFile("月报.xlsx", content))
        assert len(done) == IMPORT_ROWS
        transaction.set_rollback(True)


bench_case(f"月报导入 {IMPORT_ROWS:,} 份（每次调用，回滚）", group="kpi", kind=CALL, call=_import)
