"""To-do items of monthly dispatch, each counted from the rows of the page it links to: the
department's returns to file (overdue once past the due day) and to confirm in the current
period, returns awaiting the office's check, dispatch notes to answer and to close."""

from django.urls import reverse
from django.utils import timezone

from core.models import Role
from core.todo import TodoItem, todo_provider

from .models import DispatchNote, ProgressReturn, ReportingPeriod
from .workflow import EDITABLE_STATES


@todo_provider
def dispatch_todos(user):
    items = []
    department = user.has_role(Role.DEPT_OFFICER, Role.DEPT_HEAD) and user.organisation_id
    if department:
        items += _department_items(user)
        n = DispatchNote.objects.visible_to(user).filter(status__in=["open", "sent_back"]).count()
        url = f"{reverse('kpi:notes')}?status=open"
        items.append(TodoItem("待答复的调度意见", n, url, "bi-megaphone"))
    if user.has_role(Role.OFFICE):
        n = ProgressReturn.objects.visible_to(user).filter(status="submitted").count()
        url = f"{reverse('kpi:check')}?show=submitted&all=1"
        items.append(TodoItem("待审核的月报", n, url, "bi-clipboard-check"))
        n = DispatchNote.objects.visible_to(user).filter(status="answered").count()
        url = f"{reverse('kpi:notes')}?status=answered"
        items.append(TodoItem("待办结的调度意见", n, url, "bi-check2-square"))
    return items


def _department_items(user):
    period = ReportingPeriod.objects.filter(jurisdiction_id=user.jurisdiction_id).first()
    if period is None:
        return []
    now = timezone.now()
    rows = ProgressReturn.objects.filter(period=period, department_id=user.organisation_id)
    url = f"{reverse('kpi:file')}?period={period.pk}"
    items = []
    if user.has_role(Role.DEPT_OFFICER) and now < period.closes_at:
        n = rows.filter(status__in=EDITABLE_STATES).count()
        label = "已逾期未报的月报" if now >= period.due_at else "待填报的月报"
        items.append(
            TodoItem(label, n, url, "bi-alarm" if now >= period.due_at else "bi-pencil-square")
        )
    if user.has_role(Role.DEPT_HEAD):
        n = rows.filter(status="awaiting_head").count()
        items.append(TodoItem("待确认的月报", n, url, "bi-person-check"))
    return items
