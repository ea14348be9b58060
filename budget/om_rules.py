"""R9 (SPEC §5): O&M funding only for projects that meet the plan and the data-sharing
requirements and whose post-evaluation, where due, is at least 合格 (004:97: 凡不符合数字政府
建设规划、不符合数据共享要求的，……不安排运维经费; 004:79: 数据共享的完整性、时效性作为确定
……运行维护经费……的必备条件). Each check names its basis; a denial lists the failing ones."""

from dataclasses import dataclass

from django.db.models import Q, Sum

from core.money import money_text
from core.policy import citations
from projects.models import DataResource
from projects.workflow import State as P
from review import evaluation as ev
from review.models import Grade

from .models import BudgetLine, Disbursement
from .rules import allocation_refusal

# Project states in which O&M funding may be applied for and granted.
OM_STATES = [P.ACCEPTED, P.EVALUATING, P.EVALUATED]


def plan_conformity(project):
    if project.plan_item_id is None:
        return "项目未纳入年度建设任务清单，不符合数字政府建设规划"
    return None


def data_sharing(project):
    resources = list(project.data_resources.values_list("name", "sharing_mode", "no_share_reason"))
    if not resources:
        return "项目未登记数据资源目录和共享清单"
    unshared = [
        name
        for name, mode, reason in resources
        if mode == DataResource.SharingMode.NONE and not reason.strip()
    ]
    if unshared:
        return f"数据资源“{'、'.join(unshared)}”不予共享且未说明理由，不符合数据共享要求"
    return None


def post_evaluation(project):
    flag, facts = ev.evaluation_state(project)
    done = facts["completed"]
    if done and done.grade not in ev.PASSING_GRADES:
        return f"后评价等级为“{Grade(done.grade).label}”（{done.score} 分），未达到合格"
    if flag == ev.Due.OVERDUE:
        return f"后评价已逾期（应于 {facts['last_day']:%Y-%m-%d} 前完成），尚无合格的后评价结果"
    return None


# (what is checked, the clauses it rests on, the check); the basis is cited per jurisdiction.
R9_CHECKS = [
    ("符合数字政府建设规划（纳入年度建设任务清单）", ("004:97",), plan_conformity),
    (
        "符合数据共享要求（数据资源目录、共享清单，以共享为原则）",
        ("004:79", "004:97"),
        data_sharing,
    ),
    (
        "后评价到期的，评价等级合格及以上；逾期未评价的不予安排",
        ("004:97", "004:99"),
        post_evaluation,
    ),
]


@dataclass(frozen=True)
class R9Result:
    title: str
    basis: str
    passed: bool
    message: str

    @property
    def text(self) -> str:
        return f"{self.title}：{self.message}（依据：{self.basis}）"

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "basis": self.basis,
            "passed": self.passed,
            "message": self.message,
        }


def r9_results(project) -> list[R9Result]:
    code = project.jurisdiction.code
    results = []
    for title, refs, check in R9_CHECKS:
        message = check(project)
        basis = "；".join(str(c) for c in citations(refs, code))
        results.append(R9Result(title, basis, message is None, message or "符合"))
    return results


def r9_failures(project) -> list[R9Result]:
    return [r for r in r9_results(project) if not r.passed]


def grant_refusal(application, amount, funds) -> str | None:
    """The granted amount is positive, within the request and within the year's pool."""
    if amount is None or amount <= 0:
        return "请填写安排金额"
    if amount > application.amount:
        return f"安排金额 {money_text(amount)} 超过申请金额 {money_text(application.amount)}"
    return allocation_refusal(
        project=application.project,
        allocations=[(application.round.year, amount)],
        kind=BudgetLine.Kind.OM,
        funds=funds,
    )


@ev.fact_provider
def money_facts(project):
    """What the post-evaluation page and report show of the money: the cost against the
    approved amount (one query)."""
    row = Disbursement.objects.filter(project=project, status="paid").aggregate(
        construction=Sum("amount", filter=Q(budget_line__kind=BudgetLine.Kind.CONSTRUCTION)),
        om=Sum("amount", filter=Q(budget_line__kind=BudgetLine.Kind.OM)),
    )
    paid, approved = row["construction"] or 0, project.approved_amount
    share = f"，占核定投资 {paid / approved:.1%}" if approved else ""
    facts = [("建设资金支付", f"已支付 {money_text(paid)}{share}")]
    if row["om"]:
        facts.append(("运维经费支付", f"已支付 {money_text(row['om'])}"))
    return facts
