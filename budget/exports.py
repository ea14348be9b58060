"""Excel exports of budget execution and a project's disbursements (formula-safe)."""

from django.utils import timezone

from core.excel import workbook_response
from core.money import to_wan

GROUP_LABELS = {"project": "项目", "department": "单位", "jurisdiction": "行政区划"}
EXECUTION_HEADERS = [
    "安排（万元）",
    "已审批待支付（万元）",
    "已支付（万元）",
    "执行率（%）",
    "在途申请（万元）",
    "在途申请（笔）",
]


def _rate(value):
    return None if value is None else float(round(value * 100, 2))


def execution_workbook(*, rows, group, year):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    headers = [GROUP_LABELS[group]]
    if group == "project":
        headers.append("申报单位")
    headers += EXECUTION_HEADERS

    def lines():
        for r in rows:
            head = [r["name"]]
            if group == "project":
                head.append(r["project__department__name"])
            yield [
                *head,
                to_wan(r["allocated"]),
                to_wan(r["approved"]),
                to_wan(r["paid"]),
                _rate(r["rate"]),
                to_wan(r["pending"]),
                r["pending_count"],
            ]

    return workbook_response(
        filename=f"{year}年预算执行-{GROUP_LABELS[group]}-{stamp}.xlsx",
        title=f"{year}年预算执行",
        headers=headers,
        rows=lines(),
        widths=[40, *([24] if group == "project" else []), 14, 18, 14, 10, 16, 14],
    )


def disbursements_workbook(*, project, disbursements):
    def lines():
        for d in disbursements:
            yield [
                d.pk,
                d.milestone.contract.name,
                d.milestone.name,
                str(d.budget_line),
                to_wan(d.amount),
                d.amount,
                d.get_status_display(),
                d.purpose,
                d.voucher_no,
                d.paid_on.isoformat() if d.paid_on else "",
                d.last_reason,
            ]

    return workbook_response(
        filename=f"拨付申请-{project.code or project.pk}.xlsx",
        title="拨付申请",
        headers=[
            "编号",
            "合同",
            "付款节点",
            "预算安排",
            "金额（万元）",
            "金额（元）",
            "状态",
            "用途说明",
            "支付凭证号",
            "支付日期",
            "理由",
        ],
        rows=lines(),
        widths=[8, 30, 14, 18, 14, 16, 14, 30, 16, 12, 30],
    )
