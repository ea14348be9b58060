"""Benchmark cases of projects (see ``core/bench.py``): the ledger, its export, project detail,
(R7 per call is review's)."""

import io

from django.db.models import Q
from openpyxl import Workbook

from core.bench import EXPORT, bench_case
from core.models import AuditEvent, Role

from .models import Project

LEDGER_FIELDS = ["pk", "code", "name", "department__name", "status", "total_investment",
                 "start_year", "updated_at"]  # fmt: skip
ORDER = ["-updated_at", "-pk"]
TEXT = "平台"


def visible(user, prefix="project__"):
    """Rows of the projects ``user`` may see (the same scope as the pages)."""
    return Q(**{f"{prefix}in": Project.objects.visible_to(user).values("pk")})


def office_user(env):
    return env.user(Role.OFFICE)


def _year(env):
    return env.once(
        "ledger_year", lambda: Project.objects.order_by("-start_year").values_list(
            "start_year", flat=True).first() - 1)  # fmt: skip


def _filtered(user, env):
    year = _year(env)
    return (
        Project.objects.visible_to(user)
        .filter(status="in_review", start_year__lte=year)
        .filter(Q(end_year__gte=year) | Q(end_year__isnull=True, start_year=year))
        .filter(Q(name__icontains=TEXT) | Q(code__icontains=TEXT) | Q(summary__icontains=TEXT))
    )


def _rows(qs):
    return list(qs.order_by(*ORDER).values(*LEDGER_FIELDS)[:50])


bench_case(
    "项目台账首页（牵头部门）",
    group="projects",
    user=office_user,
    url=lambda env: "/projects/",
    floors={
        "bare": lambda user, env: _rows(Project.objects.visible_to(user)),
        "bare+count": lambda user, env: {
            "rows": _rows(Project.objects.visible_to(user)),
            "count": Project.objects.visible_to(user).count(),
        },
    },
    admin=lambda env: "/admin/projects/project/",
)
bench_case(
    "项目台账（状态、年度、关键词筛选）",
    group="projects",
    user=office_user,
    url=lambda env: f"/projects/?status=in_review&year={_year(env)}&q={TEXT}",
    floors={"bare": lambda user, env: _rows(_filtered(user, env))},
    admin=lambda env: f"/admin/projects/project/?status__exact=in_review&q={TEXT}",
)


def busiest_project(env):
    """An evaluated project with the most payments: the longest history."""
    from django.db.models import Count

    return env.once(
        "busiest_project",
        lambda: (
            Project.objects.filter(status="evaluated")
            .annotate(n=Count("disbursements"))
            .order_by("-n", "pk")
            .first()
        ),
    )


def _detail_floor(user, env):
    project = Project.objects.visible_to(user).values(*LEDGER_FIELDS, "summary")
    events = AuditEvent.objects.filter(project=busiest_project(env)).order_by("created_at", "pk")
    return {
        "project": project.get(pk=busiest_project(env).pk),
        "events": list(events.values("created_at", "actor_name", "action_label", "comment")),
    }


bench_case(
    "项目详情（完整流转记录）",
    group="projects",
    user=office_user,
    url=lambda env: f"/projects/{busiest_project(env).pk}/",
    floors={"bare": _detail_floor},
)


def _openpyxl_floor(user, env):
    """openpyxl write-only alone over the same rows (the export's floor)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("项目台账")
    fields = LEDGER_FIELDS[1:-1]  # updated_at is aware; the export writes dates
    for row in Project.objects.visible_to(user).order_by(*ORDER).values_list(*fields).iterator():
        sheet.append(list(row))
    workbook.save(io.BytesIO())
    return {}


bench_case(
    "项目台账 Excel 导出（全部）",
    group="exports",
    kind=EXPORT,
    user=office_user,
    url=lambda env: "/projects/export.xlsx",
    floors={"openpyxl write-only": _openpyxl_floor},
)
