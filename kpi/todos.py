"""To-do items of monthly dispatch: returns to file, confirm, check; overdue returns; dispatch
notes to answer and to close. One COUNT each, from the rows the link lists."""

from django.urls import reverse
from django.utils import timezone

from core.models import Role
from core.todo import TodoItem, todo_provider

from .models import DispatchNote, ProgressReturn
from .querysets import missing
from .workflow import EDITABLE_STATES


@todo_provider
def dispatch_todos(user):
    items = []
    now = timezone.now()
    returns = ProgressReturn.objects.filter(period__closes_at__gt=now)
    if user.has_role(Role.DEPT_OFFICER) and user.organisation_id:
        own = returns.filter(department_id=user.organisation_id, status__in=EDITABLE_STATES)
        items.append(TodoItem("待填报的月报", own.count(), reverse("kpi:file"), "bi-pencil-square"))
        overdue = own.filter(missing(now)).count()
        items.append(TodoItem("已逾期未报的月报", overdue, reverse("kpi:file"), "bi-alarm"))
    if user.has_role(Role.DEPT_HEAD) and user.organisation_id:
        n = returns.filter(department_id=user.organisation_id, status="awaiting_head").count()
        items.append(TodoItem("待确认的月报", n, reverse("kpi:file"), "bi-person-check"))
    if user.has_role(Role.DEPT_OFFICER, Role.DEPT_HEAD) and user.organisation_id:
        n = DispatchNote.objects.filter(
            department_id=user.organisation_id, status__in=["open", "sent_back"]
        ).count()
        items.append(
            TodoItem("待答复的调度意见", n, f"{reverse('kpi:notes')}?status=open", "bi-megaphone")
        )
    if user.has_role(Role.OFFICE) and user.jurisdiction_id:
        here = returns.filter(jurisdiction_id=user.jurisdiction_id)
        n = here.filter(status="submitted").count()
        items.append(
            TodoItem(
                "待审核的月报", n, f"{reverse('kpi:check')}?show=submitted", "bi-clipboard-check"
            )
        )
        n = DispatchNote.objects.filter(
            jurisdiction_id=user.jurisdiction_id, status="answered"
        ).count()
        items.append(
            TodoItem(
                "待办结的调度意见", n, f"{reverse('kpi:notes')}?status=answered", "bi-check2-square"
            )
        )
    return items
