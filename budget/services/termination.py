"""What terminating a project does to its money (SPEC §3, §6): its unpaid disbursement
requests are closed with the reason, and the unpaid remainder of each budget line goes back
to its fund. Registered as a termination effect of ``projects.services.project_terminate``,
so it runs inside the termination's transaction, on the locked, terminated project."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from core.audit import audit_record
from core.models import Role
from core.money import money_text
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from core.workflow import _fire
from projects.services import termination_effect

from ..models import BudgetLine, Disbursement
from ..workflow import LIFECYCLE as DISBURSEMENT
from ..workflow import OPEN_STATES, State
from .common import CENT
from .disbursements import _url

CLOSED_REASON = "项目已终止（{reason}），未支付的拨付申请一并关闭"


def disbursement_close(*, disbursement, by, reason) -> Disbursement:
    """Close one unpaid request of a terminated project (never a button)."""
    d = _fire(DISBURSEMENT, disbursement, "close", by=by, comment=reason)
    notify(users=department_users(d.project), text=f"拨付申请已关闭：{d.project.name}", url=_url(d))
    return d


@termination_effect
def release_budget(project, *, by, reason):
    # The project row is locked (lock order project → line, as R10's).
    open_requests = Disbursement.objects.select_for_update().filter(
        project=project, status__in=OPEN_STATES
    )
    closed_reason = CLOSED_REASON.format(reason=reason)
    for d in open_requests.order_by("pk"):
        disbursement_close(disbursement=d, by=by, reason=closed_reason)
    lines = list(
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("fund")
        .filter(project=project, amount__gt=0)
        .order_by("fund__year", "kind")
    )
    paid_by_line = dict(
        Disbursement.objects.filter(budget_line__in=lines, status=State.PAID)
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
    now, released_total = timezone.now(), 0
    for line in lines:
        paid = Decimal(paid_by_line.get(line.pk) or 0).quantize(CENT)
        released = line.amount - paid
        if released <= 0:
            continue
        allocated = line.amount
        BudgetLine.objects.filter(pk=line.pk).update(
            amount=paid, released_amount=line.released_amount + released, released_at=now
        )
        released_total += released
        audit_record(
            by=by,
            subject=line,
            project=project,
            action="budget_release",
            action_label="终止释放预算",
            comment=(
                f"{line.fund.year}年{line.get_kind_display()}：安排 {money_text(allocated)}，"
                f"已支付 {money_text(paid)}，释放 {money_text(released)} 回{line.fund.name}"
            ),
            data={
                "fund": line.fund_id,
                "year": line.fund.year,
                "kind": line.kind,
                "allocated": allocated,
                "paid": paid,
                "released": released,
            },
        )
    if released_total:
        notify(
            users=jurisdiction_users(project, Role.FINANCE),
            text=f"项目终止，释放预算 {money_text(released_total)}：{project.name}",
            url="/budget/",
        )
