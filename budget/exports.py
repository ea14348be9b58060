"""Excel exports of budget execution and a project's disbursements (``core.excel`` writer)."""

from django.utils import timezone

from core.excel import Column, workbook_response
from core.money import to_wan

GROUP_LABELS = {"project": "项目", "department": "单位", "jurisdiction": "行政区划"}
EXECUTION_COLUMNS = [
    Column("安排（万元）", 14, "wan"),
    Column("已审批待支付（万元）", 16, "wan"),
    Column("已支付（万元）", 14, "wan"),
    Column("执行率（%）", 11, "percent"),
    Column("在途申请（万元）", 15, "wan"),
    Column("在途申请（笔）", 13, "int"),
]
DISBURSEMENT_COLUMNS = [
    Column("编号", 8, "int"),
    Column("合同", 30),
    Column("付款节点", 14),
    Column("预算安排", 18),
    Column("金额（万元）", 14, "wan"),
    Column("金额（元）", 16, "yuan"),
    Column("状态", 12),
    Column("用途说明", 30),
    Column("支付凭证号", 16),
    Column("支付日期", 12, "date"),
    Column("理由", 30),
]


def _rate(value):
    return None if value is None else float(round(value * 100, 2))


def execution_workbook(*, rows, group, year, totals):
    """The execution table as on the page, with the page's 合计 row (``totals`` from
    ``selectors.execution_totals``; its rate is paid over allocated, not a sum)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    label = GROUP_LABELS[group]
    head = [Column(label, 40)]
    if group == "project":
        head.append(Column("申报单位", 24))

    def money(r):
        return [
            to_wan(r["allocated"]),
            to_wan(r["approved"]),
            to_wan(r["paid"]),
            _rate(r["rate"]),
            to_wan(r["pending"]),
            r["pending_count"],
        ]

    def lines():
        for r in rows:
            names = [r["name"]]
            if group == "project":
                names.append(r["project__department__name"])
            yield [*names, *money(r)]

    return workbook_response(
        filename=f"{year}年预算执行情况（按{label}）-{stamp}.xlsx",
        title=f"{year}年预算执行情况（按{label}）",
        columns=[*head, *EXECUTION_COLUMNS],
        rows=lines(),
        totals=[None] * len(head) + money(totals) if rows else None,
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
                d.paid_on,
                d.last_reason,
            ]

    return workbook_response(
        filename=f"{project.name}拨付申请明细.xlsx",
        title=f"{project.name}拨付申请明细",
        columns=DISBURSEMENT_COLUMNS,
        rows=lines(),
        subtitle=f"项目编号：{project.code}" if project.code else "",
    )
