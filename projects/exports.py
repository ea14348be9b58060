"""Excel export of the filtered ledger (streamed, write-only, formula-safe)."""

from django.utils import timezone

from core.excel import workbook_response
from core.money import to_wan

HEADERS = [
    "项目编号",
    "项目名称",
    "申报单位",
    "类别",
    "渠道",
    "建设年度",
    "状态",
    "总投资（万元）",
    "网络安全投资（万元）",
    "核定投资（万元）",
    "等保级别",
    "部署方式",
    "申报时间",
    "更新时间",
]
WIDTHS = [16, 40, 24, 10, 14, 12, 12, 14, 16, 14, 10, 10, 18, 18]


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _rows(queryset):
    for p in queryset.iterator(chunk_size=2000):
        yield [
            p.code or "",
            p.name,
            p.department.name,
            p.get_category_display(),
            p.get_channel_display(),
            p.years_display,
            p.get_status_display(),
            to_wan(p.total_investment),
            to_wan(p.invest_security),
            to_wan(p.approved_amount),
            p.protection_level or "",
            p.get_deployment_display(),
            _when(p.submitted_at),
            _when(p.updated_at),
        ]


def ledger_workbook(queryset):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(
        filename=f"项目台账-{stamp}.xlsx",
        title="项目台账",
        headers=HEADERS,
        rows=_rows(queryset),
        widths=WIDTHS,
    )
