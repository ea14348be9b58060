"""To-do items owned by the projects app."""

from django.urls import reverse

from core.models import Role
from core.todo import TodoItem, todo_provider

from .models import Project
from .workflow import State


@todo_provider
def project_todos(user):
    items = []
    ledger = reverse("projects:ledger")
    if user.has_role(Role.OFFICE):
        count = Project.objects.filter(
            jurisdiction_id=user.jurisdiction_id, status=State.SUBMITTED
        ).count()
        items.append(
            TodoItem("待形式审查的申报", count, f"{ledger}?status=submitted", "bi-clipboard-check")
        )
    if user.has_role(Role.DEPT_OFFICER, Role.DEPT_HEAD) and user.organisation_id:
        mine = Project.objects.filter(department_id=user.organisation_id)
        count = mine.filter(status=State.RETURNED).count()
        items.append(
            TodoItem(
                "被退回待修改的项目",
                count,
                f"{ledger}?status=returned",
                "bi-arrow-counterclockwise",
            )
        )
        if (
            user.has_role(Role.DEPT_HEAD)
            and user.organisation.jurisdiction.require_head_confirmation
        ):
            count = mine.filter(
                status__in=[State.DRAFT, State.RETURNED], head_confirmed_at__isnull=True
            ).count()
            items.append(
                TodoItem(
                    "待负责人确认的申报", count, f"{ledger}?awaiting_confirmation=true", "bi-pen"
                )
            )
    return items
