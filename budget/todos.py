"""To-do items owned by the budget app: requests awaiting each role, with amounts."""

from django.db.models import Count, Sum
from django.urls import reverse

from core.models import Role
from core.money import wan_display
from core.todo import TodoItem, todo_provider

from .models import Disbursement
from .workflow import State


def _item(queryset, label, status, icon):
    row = queryset.filter(status=status).aggregate(n=Count("pk"), total=Sum("amount"))
    url = f"{reverse('budget:disbursements')}?status={status}"
    amount = f"（合计 {wan_display(row['total'])} 万元）" if row["n"] else ""
    return TodoItem(f"{label}{amount}", row["n"], url, icon)


@todo_provider
def budget_todos(user):
    items = []
    if user.has_role(Role.FINANCE):
        mine = Disbursement.objects.filter(project__jurisdiction_id=user.jurisdiction_id)
        items.append(_item(mine, "待审批的拨付申请", State.VERIFIED, "bi-cash-coin"))
        items.append(_item(mine, "已审批待支付", State.APPROVED, "bi-bank"))
    if user.has_role(Role.OFFICE):
        mine = Disbursement.objects.filter(project__jurisdiction_id=user.jurisdiction_id)
        items.append(_item(mine, "待审核的拨付申请", State.SUBMITTED, "bi-clipboard-check"))
    if user.has_role(Role.DEPT_OFFICER) and user.organisation_id:
        mine = Disbursement.objects.filter(project__department_id=user.organisation_id)
        items.append(_item(mine, "被退回的拨付申请", State.RETURNED, "bi-arrow-counterclockwise"))
    return items
