"""The audit plan list of a year as Excel (``core.excel``: streamed, formula-safe)."""

from core.money import to_wan

AUDIT_HEADERS = [
    "序号",
    "项目编号",
    "项目名称",
    "申报单位",
    "核定投资（万元）",
    "验收日期",
    "审计状态",
    "审计发现",
    "整改事项（未销号/总数）",
    "说明",
]
AUDIT_WIDTHS = [6, 18, 36, 24, 14, 12, 14, 40, 16, 30]


def audit_rows(entries):
    for index, e in enumerate(entries.order_by("accepted_on", "pk"), start=1):
        p = e.project
        yield [
            index,
            p.code,
            p.name,
            p.department.name,
            float(to_wan(p.approved_amount)) if p.approved_amount is not None else None,
            e.accepted_on.strftime("%Y-%m-%d"),
            e.get_status_display(),
            e.findings,
            f"{e.n_open}/{e.n_items}",
            e.note,
        ]
