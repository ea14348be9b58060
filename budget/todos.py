"""To-do items owned by the budget app: requests awaiting each role, with amounts. Each count
and amount is computed from the list the item links to (``selectors.disbursement_list``)."""

from django.db.models import Count, Sum
from django.urls import reverse

from core.models import Role
from core.money import wan_display
from core.todo import TodoItem, todo_provider

from .selectors import disbursement_list
from .workflow import State


def _item(user, label, status, icon, **narrow):
    rows = disbursement_list(user=user, status=[status], **narrow)
    row = rows.order_by().aggregate(n=Count("pk"), total=Sum("amount"))
    query = "&".join([f"status={status}", *(f"{k}={v}" for k, v in narrow.items())])
    amount = f"（合计 {wan_display(row['total'])} 万元）" if row["n"] else ""
    return TodoItem(
        f"{label}{amount}", row["n"], f"{reverse('budget:disbursements')}?{query}", icon
    )


@todo_provider
def budget_todos(user):
    items = []
    here = {"jurisdiction": user.jurisdiction_id}
    if user.has_role(Role.FINANCE):
        items.append(_item(user, "待审批的拨付申请", State.VERIFIED, "bi-cash-coin", **here))
        items.append(_item(user, "已审批待支付", State.APPROVED, "bi-bank", **here))
    if user.has_role(Role.OFFICE):
        items.append(_item(user, "待审核的拨付申请", State.SUBMITTED, "bi-clipboard-check", **here))
    if user.has_role(Role.DEPT_OFFICER) and user.organisation_id:
        own = {"department": user.organisation_id}
        items.append(
            _item(user, "被退回的拨付申请", State.RETURNED, "bi-arrow-counterclockwise", **own)
        )
    return items


@todo_provider
def om_todos(user):
    """O&M applications awaiting finance, and the department's drafts to submit."""
    from .om_selectors import applications_for
    from .om_workflow import OmState

    items = []
    url = reverse("budget:om_rounds")
    if user.has_role(Role.FINANCE):
        n = applications_for(user, status=OmState.SUBMITTED).count()
        items.append(TodoItem("待审核的运维经费申请", n, f"{url}?status=submitted", "bi-tools"))
    if user.has_role(Role.DEPT_OFFICER) and user.organisation_id:
        n = applications_for(user, status=OmState.DRAFT).count()
        items.append(TodoItem("待提交的运维经费申请", n, f"{url}?status=draft", "bi-tools"))
    return items
