"""Funding demo for 湘潭市, built through the services (called by ``manage.py seed_demo``).

Funds for 2026 and 2027; approved projects awaiting listing; funded projects with
contracts; disbursements in every state. Idempotent: skipped once any request exists.
"""

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from core.models import Jurisdiction
from projects.demo import JURISDICTION, ensure_users
from projects.models import Project

from . import services
from .models import Disbursement

D = Decimal
MILESTONES = [
    {"name": "签订合同", "percent": 30, "is_final": False},
    {"name": "初验", "percent": 40, "is_final": False},
    {"name": "终验", "percent": 30, "is_final": True},
]
VENDORS = [
    ("湖南湘数科技有限公司", "open"),
    ("长沙智慧政务信息技术有限公司", "consultation"),
    ("中国电信股份有限公司湘潭分公司", "single"),
    ("湖南云信网络安全技术有限公司", "negotiation"),
    ("湘潭华信软件有限公司", "inquiry"),
]


def approved_project(project) -> Project:
    """An in-review project approved through the real joint review (review demo)."""
    from review import demo as review_demo

    return review_demo.approve(project)


def accept(project, users) -> Project:
    """Through the acceptance services: 初验, R8 checklist, request, review, decision."""
    from acceptance import demo as acceptance_demo

    return acceptance_demo.accept(project)


def _fund(project, users, years):
    amount = project.approved_amount
    if len(years) == 1:
        allocations = [(years[0], amount)]
    else:
        first = (amount * D("0.6")).quantize(D("1"), ROUND_DOWN)
        allocations = [(years[0], first), (years[1], amount - first)]
    return services.list_in_budget(project=project, allocations=allocations, by=users["finance"])


def _contract(project, users, index):
    officer = users[project.department.code.removeprefix("xt-")]
    vendor, method = VENDORS[index % len(VENDORS)]
    contract = services.contract_record(
        project=project,
        by=officer,
        name=f"{project.name}采购合同",
        vendor=vendor,
        method=method,
        amount=(project.approved_amount * D("0.96")).quantize(D("1")),
        signed_on=dt.date(2026, 3, 10 + index),
        milestones=MILESTONES,
    )
    project = services.project_start_construction(project=project, by=officer)
    return project, contract


def _request(project, users, milestone, share, state, purpose):
    officer = users[project.department.code.removeprefix("xt-")]
    line = project.budget_lines.order_by("fund__year").first()
    d = services.disbursement_create(
        project=project,
        milestone=milestone,
        budget_line=line,
        amount=(milestone.amount * D(share)).quantize(D("0.01")),
        purpose=purpose,
        by=officer,
    )
    if state == "draft":
        return d
    d = services.disbursement_submit(disbursement=d, by=officer)
    if state == "returned":
        return services.disbursement_return(
            disbursement=d,
            by=users["office"],
            reason="未附初验报告和发票复印件，请补充后重新提交。",
        )
    if state == "rejected":
        return services.disbursement_reject(
            disbursement=d,
            by=users["office"],
            reason="该节点款项已由部门自有资金支付，不予重复拨付。",
        )
    if state == "submitted":
        return d
    d = services.disbursement_verify(disbursement=d, by=users["office"], comment="材料齐全")
    if state == "verified":
        return d
    d = services.disbursement_approve(disbursement=d, by=users["finance"])
    if state == "approved":
        return d
    return services.disbursement_pay(
        disbursement=d,
        by=users["finance"],
        voucher_no=f"XTCZ-2026-{d.pk:05d}",
        paid_on=dt.date(2026, 5, 8),
    )


# For each in-review demo project taken in order: what happens to its money.
PLAN = [
    "paid_and_pending",  # in construction: paid, approved, verified
    "department_queue",  # in construction: submitted, returned, draft, rejected
    "accepted_all_paid",  # accepted: every milestone paid including the final one
    "multi_year",  # two years of lines, contract, signing paid
    "funded_only",  # listed in the budget, no contract yet
    "approved_only",  # awaits finance
    "approved_only",
]


def _build(project, users, index, kind):
    project = approved_project(project)
    if kind == "approved_only":
        return
    project = _fund(project, users, [2026, 2027] if kind == "multi_year" else [2026])
    if kind == "funded_only":
        return
    project, contract = _contract(project, users, index)
    signing, initial, final = contract.milestones.order_by("seq")
    if kind == "paid_and_pending":
        _request(project, users, signing, "1", "paid", "合同签订后首付款")
        _request(project, users, initial, "0.5", "approved", "初验后进度款（第一批）")
        _request(project, users, initial, "0.5", "verified", "初验后进度款（第二批）")
    elif kind == "department_queue":
        _request(project, users, signing, "1", "submitted", "合同签订后首付款")
        _request(project, users, initial, "0.6", "returned", "初验后进度款")
        _request(project, users, initial, "0.4", "draft", "初验后进度款（余款）")
        _request(project, users, initial, "0.2", "rejected", "设备到货款")
    elif kind == "accepted_all_paid":
        _request(project, users, signing, "1", "paid", "合同签订后首付款")
        _request(project, users, initial, "1", "paid", "初验后进度款")
        project = accept(project, users)
        _request(project, users, final, "1", "paid", "终验后尾款")
    elif kind == "multi_year":
        _request(project, users, signing, "1", "paid", "合同签订后首付款")


def seed() -> int:
    """Returns how many projects got money this run (0 when already seeded)."""
    jurisdiction = Jurisdiction.objects.get(code=JURISDICTION)
    if Disbursement.objects.filter(project__jurisdiction=jurisdiction).exists():
        return 0
    users = ensure_users()
    for year, amount in [(2026, D("150000000")), (2027, D("80000000"))]:
        services.fund_set(jurisdiction=jurisdiction, year=year, amount=amount, by=users["finance"])
    candidates = list(
        Project.objects.filter(
            jurisdiction=jurisdiction, status="in_review", reviews__panel__isnull=True
        )
        .select_related("department")
        .order_by("pk")
    )
    # 市大数据中心 (demo user ``dsj``) first so its officer sees requests in every state;
    # then other departments, so execution by department has several bars.
    dsj = [p for p in candidates if p.department.code == "xt-dsj"]
    others = [p for p in candidates if p.department.code != "xt-dsj"]
    candidates = dsj[:2] + others + dsj[2:]
    for index, (project, kind) in enumerate(zip(candidates, PLAN, strict=False)):
        _build(project, users, index, kind)
    return min(len(candidates), len(PLAN))
