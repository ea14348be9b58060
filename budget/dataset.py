"""Dataset step of budget (order 40, see ``core/datasets.py``): yearly special funds, budget
lines for every project listed in the budget, procurement contracts with 30/40/30 milestones,
and disbursement requests (``scale.disbursements``) in every state, paid ones with vouchers.
Amounts keep R10: committed requests stay within the milestone, contract, line and approved
amount, and a final payment only follows acceptance."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from core.datasets import bulk_insert, dataset_check, dataset_step, ids, weighted_sizes
from core.models import Role, User
from projects.models import Project

from .models import BudgetLine, Contract, Disbursement, Milestone, SpecialFund

CENT = Decimal("0.01")
VENDORS = ["湖南省信息产业集团有限公司", "中国电信股份有限公司湖南分公司", "拓维信息系统股份有限公司",
           "湖南科创信息技术股份有限公司", "中国移动通信集团湖南有限公司", "华为技术有限公司",
           "浪潮软件集团有限公司", "湖南星汉数智科技有限公司", "长城信息股份有限公司",
           "湖南麒麟信安科技股份有限公司", "中国联合网络通信有限公司湖南省分公司"]  # fmt: skip
METHODS = ["open", "open", "open", "consultation", "negotiation", "inquiry", "single", "framework"]
PLANS = [
    [("签订合同", 30, False), ("初步验收", 40, False), ("终验", 30, True)],
    [("签订合同", 50, False), ("终验", 50, True)],
    [("签订合同", 30, False), ("系统上线", 30, False), ("初步验收", 30, False), ("终验", 10, True)],
]
PENDING = ["draft", "submitted", "verified", "approved", "returned"]
PATHS = {  # state -> transitions from draft
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return_"],
    "verified": ["submit", "verify"],
    "approved": ["submit", "verify", "approve"],
    "paid": ["submit", "verify", "approve", "pay"],
    "rejected": ["submit", "verify", "reject"],
}
TARGETS = {"submit": "submitted", "return_": "returned", "verify": "verified",
           "approve": "approved", "pay": "paid", "reject": "rejected"}  # fmt: skip
D = dt.timedelta(days=1)


def _when(steps, action):
    return next((t for t in steps if t.action == action), None)


@dataset_step(40)
def budget(ctx):
    j, rng = ctx.jurisdiction, ctx.rng
    users = User.objects.filter(organisation__jurisdiction=j, roles__code=Role.FINANCE)
    finance = list(users.values_list("pk", flat=True))
    office = list(
        User.objects.filter(organisation__jurisdiction=j, roles__code=Role.OFFICE).values_list(
            "pk", flat=True
        )
    )
    labels = {t.name: t.custom["label"] for t in Disbursement().get_all_status_transitions()}
    projects = Project.objects.filter(jurisdiction=j, approved_amount__isnull=False).values_list(
        "pk", "approved_amount", "start_year", "end_year", "created_by_id", "name"
    )
    lines, by_year, contracts, milestones, plans = [], defaultdict(Decimal), [], [], []
    for pk, approved, start_year, end_year, officer, name in projects:
        steps = ctx.history.get(pk, [])
        listed = _when(steps, "list_in_budget")
        if not listed:
            continue
        years = list(range(start_year, end_year + 1))
        share = (approved / len(years)).quantize(CENT)
        project_lines = []
        for k, year in enumerate(years):
            amount = share if k < len(years) - 1 else approved - share * (len(years) - 1)
            line_id = ids.take(BudgetLine)[0]
            lines.append([line_id, year, pk, "construction", amount, listed.actor_id, listed.at])
            by_year[year] += amount
            project_lines.append([line_id, amount])
            ctx.event(listed.at, listed.actor_id, "budget_line", "安排预算",
                      subject_type="budgetline", subject_id=line_id, project_id=pk,
                      data={"year": year, "amount": amount, "kind": "construction"})  # fmt: skip
        started = _when(steps, "start_construction")
        if not started and rng.random() > 0.3:
            continue
        signed = (started.at if started else listed.at + 20 * D) - rng.randint(1, 10) * D
        if signed >= ctx.now:
            continue
        amount = (approved * Decimal(rng.choice(["0.98", "0.95", "0.92", "0.88"]))).quantize(
            Decimal("100")
        )
        contract_id = ids.take(Contract)[0]
        contracts.append((contract_id, pk, f"{name[:100]}采购合同", rng.choice(VENDORS),
                          rng.choice(METHODS), amount, signed.date(), officer, signed))  # fmt: skip
        ctx.event(signed, officer, "contract", "登记采购合同", subject_type="contract",
                  subject_id=contract_id, project_id=pk, data={"amount": amount})  # fmt: skip
        plan = rng.choice(PLANS)
        rows = []
        for seq, (mname, percent, final) in enumerate(plan, start=1):
            value = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
            trigger = "final" if final else "signing"  # no 初验 records in generated data
            rows.append(
                [ids.take(Milestone)[0], contract_id, seq, mname, percent, value, final, trigger]
            )
        rows[-1][5] += amount - sum(r[5] for r in rows)
        milestones.extend(rows)
        if started:
            plans.append((pk, officer, steps, rows, project_lines))
    # Funds sized above what is allocated to them.
    funds = {}
    fund_rows = []
    for year in range(ctx.start.year, ctx.today.year + 4):
        allocated = by_year.get(year, Decimal(0))
        amount = ((allocated * Decimal("1.2")) / 10000).quantize(Decimal("1")) * 10000 + 5_000_000
        fund_id = ids.take(SpecialFund)[0]
        funds[year] = fund_id
        at = dt.datetime(year - 1, 12, 20, 10, tzinfo=dt.UTC)
        fund_rows.append((fund_id, j.pk, year, f"{j.name}{year}年度信息化专项资金", amount, at))
        ctx.event(at, finance[0], "fund_set", "设立专项资金", subject_type="specialfund",
                  subject_id=fund_id, data={"year": year, "old": None, "amount": amount})  # fmt: skip
    bulk_insert(SpecialFund, ("id", "jurisdiction_id", "year", "name", "amount", "updated_at"),
                fund_rows)  # fmt: skip
    bulk_insert(BudgetLine, ("id", "fund_id", "project_id", "kind", "amount", "created_by_id",
                             "created_at"),
                [(r[0], funds[r[1]], *r[2:]) for r in lines])  # fmt: skip
    bulk_insert(Contract, ("id", "project_id", "name", "vendor", "method", "amount", "signed_on",
                           "created_by_id", "created_at"), contracts)  # fmt: skip
    bulk_insert(Milestone, ("id", "contract_id", "seq", "name", "percent", "amount", "is_final",
                            "trigger"),
                milestones)  # fmt: skip
    count = _disbursements(ctx, plans, finance, office, labels)
    ctx.log(f"  {j.name}: {len(lines)} 条预算安排，{len(contracts)} 份合同，{count} 笔拨付申请")


def _disbursements(ctx, plans, finance, office, labels):
    rng = ctx.rng
    target = ctx.scale.per_unit(ctx.scale.disbursements)
    payable = []  # (project, officer, milestone row, due time, project lines)
    for pk, officer, steps, rows, project_lines in plans:
        start = _when(steps, "start_construction").at
        requested = _when(steps, "request_acceptance")
        accepted = _when(steps, "accept")
        for k, row in enumerate(rows):
            if row[6]:
                due = accepted.at + rng.randint(5, 40) * D if accepted else None
            elif k == 0:
                due = start + rng.randint(3, 20) * D
            else:
                end = requested.at if requested else ctx.now
                due = start + (end - start) * (k / len(rows))
            if due and due < ctx.now:
                payable.append((pk, officer, row, due, project_lines))
    if not payable:
        return 0
    sizes = weighted_sizes(rng, max(target, len(payable)), len(payable), skew=0.3)
    out, remaining, seq = [], {}, 0
    for (pk, officer, row, due, project_lines), parts in zip(payable, sizes, strict=True):
        milestone_id, amount = row[0], row[5]
        split = [(amount / parts).quantize(CENT)] * parts
        split[-1] = amount - sum(split[:-1])
        for i, part in enumerate(split):
            at = due + dt.timedelta(days=7 * i, hours=rng.randint(0, 6))
            if at >= ctx.now:
                at = ctx.now - dt.timedelta(hours=rng.randint(1, 48))
            age = (ctx.now - at).days
            state = "paid" if age > 45 else rng.choice(PENDING + ["paid"])
            # Charge to the project's lines in year order, splitting at a line's end.
            while part > 0:
                line = next(line for line in project_lines if remaining.get(line[0], line[1]) > 0)
                left = remaining.get(line[0], line[1])
                take = min(part, left)
                remaining[line[0]] = left - take
                part -= take
                seq += 1
                out.append((pk, officer, milestone_id, line[0], take, at, state, seq))
            if rng.random() < 0.03:  # a duplicate claim, rejected (does not count against R10)
                seq += 1
                out.append((pk, officer, milestone_id, project_lines[0][0], split[i], at,
                            "rejected", seq))  # fmt: skip
    rows = []
    first = ids.take(Disbursement, len(out)).start
    for n, (pk, officer, milestone_id, line_id, amount, at, state, seq) in enumerate(out):
        d_id = first + n
        voucher, paid_on, when, reason = "", None, at, ""
        ctx.event(at, officer, "disbursement_create", "新建拨付申请", subject_type="disbursement",
                  subject_id=d_id, project_id=pk, data={"amount": amount})  # fmt: skip
        frm = "draft"
        for action in PATHS[state]:
            when = when + dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 3))
            when = min(when, ctx.now - dt.timedelta(minutes=len(PATHS[state]) * 10))
            actor = officer if action == "submit" else rng.choice(
                office if action in ("verify", "return_") else finance)  # fmt: skip
            comment = ""
            if action == "pay":
                voucher, paid_on = f"ZF{when.year}{seq:07d}", when.date()
            if action in ("return_", "reject"):
                comment = reason = "付款依据不全，请补充验收报告和发票。"
            ctx.event(when, actor, f"disbursement_{action.rstrip('_')}", f"拨付申请{labels[action]}",
                      subject_type="disbursement", subject_id=d_id, project_id=pk,
                      from_state=frm, to_state=TARGETS[action], comment=comment,
                      data={"amount": amount, "voucher_no": voucher})  # fmt: skip
            frm = TARGETS[action]
        if state == "verified" and ctx.now - when < dt.timedelta(days=30):
            ctx.notify(finance[0], when, f"拨付申请 #{d_id} 待审批", f"/budget/disbursements/{d_id}/",
                       read=False)  # fmt: skip
        rows.append((d_id, state, pk, milestone_id, line_id, amount, "进度款", reason, voucher,
                     paid_on, 1 + len(PATHS[state]), officer, at, when))  # fmt: skip
    bulk_insert(Disbursement, ("id", "status", "project_id", "milestone_id", "budget_line_id",
                               "amount", "purpose", "last_reason", "voucher_no", "paid_on",
                               "version", "created_by_id", "created_at", "updated_at"), rows)  # fmt: skip
    return len(rows)


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


COMMITTED = "d.status IN ('approved', 'paid')"


@dataset_check
def r10_sums(scale):
    """R10 and the pools: lines within their fund, committed requests within line, contract,
    milestone and approved amount; final payments only after acceptance."""
    checks = [
        (
            "资金池 #{} 安排合计超出总额",
            """
            SELECT f.id FROM budget_specialfund f JOIN budget_budgetline l ON l.fund_id = f.id
            GROUP BY f.id, f.amount HAVING SUM(l.amount) > f.amount""",
        ),
        (
            "预算安排 #{} 已审批及支付超出安排金额",
            f"""
            SELECT l.id FROM budget_budgetline l JOIN budget_disbursement d
            ON d.budget_line_id = l.id WHERE {COMMITTED}
            GROUP BY l.id, l.amount HAVING SUM(d.amount) > l.amount""",
        ),
        (
            "付款节点 #{} 已审批及支付超出节点金额",
            f"""
            SELECT m.id FROM budget_milestone m JOIN budget_disbursement d
            ON d.milestone_id = m.id WHERE {COMMITTED}
            GROUP BY m.id, m.amount HAVING SUM(d.amount) > m.amount""",
        ),
        (
            "合同 #{} 已审批及支付超出合同金额",
            f"""
            SELECT c.id FROM budget_contract c JOIN budget_milestone m ON m.contract_id = c.id
            JOIN budget_disbursement d ON d.milestone_id = m.id WHERE {COMMITTED}
            GROUP BY c.id, c.amount HAVING SUM(d.amount) > c.amount""",
        ),
        (
            "项目 #{} 建设资金已审批及支付超出核定投资",
            f"""
            SELECT p.id FROM projects_project p JOIN budget_disbursement d ON d.project_id = p.id
            JOIN budget_budgetline l ON l.id = d.budget_line_id
            WHERE {COMMITTED} AND l.kind = 'construction'
            GROUP BY p.id, p.approved_amount HAVING SUM(d.amount) > COALESCE(p.approved_amount, 0)
            """,
        ),
        (
            "项目 #{} 预算安排合计超出核定投资",
            """
            SELECT p.id FROM projects_project p JOIN budget_budgetline l ON l.project_id = p.id
            WHERE l.kind = 'construction'
            GROUP BY p.id, p.approved_amount HAVING SUM(l.amount) > COALESCE(p.approved_amount, 0)
            """,
        ),
        (
            "拨付申请 #{} 是未验收项目的尾款",
            f"""
            SELECT d.id FROM budget_disbursement d JOIN budget_milestone m ON m.id = d.milestone_id
            WHERE {COMMITTED} AND m.is_final AND NOT EXISTS (SELECT 1 FROM core_auditevent e
                WHERE e.project_id = d.project_id AND e.action = 'accept')""",
        ),
        (
            "拨付申请 #{} 与其预算安排、付款节点不属于同一项目",
            """
            SELECT d.id FROM budget_disbursement d
            JOIN budget_budgetline l ON l.id = d.budget_line_id
            JOIN budget_milestone m ON m.id = d.milestone_id
            JOIN budget_contract c ON c.id = m.contract_id
            WHERE l.project_id <> d.project_id OR c.project_id <> d.project_id""",
        ),
    ]
    problems = []
    for message, sql in checks:
        problems += [message.format(pk) for (pk,) in _rows(sql + " LIMIT 5")]
    return problems


@dataset_check
def disbursement_count(scale):
    count = Disbursement.objects.count()
    if not scale.disbursements * 0.95 <= count <= scale.disbursements * 1.2:
        return [f"拨付申请 {count} 笔，规模 {scale.name} 应约为 {scale.disbursements} 笔"]
    return []
