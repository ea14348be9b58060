"""To-do items of the acceptance app; each count is the row count of the page it links to."""

from django.utils import timezone

from core.models import Role
from core.todo import TodoItem, todo_provider
from projects.models import Project

from . import selectors
from .workflow import ItemState


@todo_provider
def acceptance_todos(user):
    items = []
    if user.has_role(Role.DEPT_OFFICER, Role.DEPT_HEAD) and user.organisation_id:
        own = selectors.item_list(user=user, status=ItemState.OPEN, department=user.organisation_id)
        items.append(
            TodoItem(
                "待整改的问题",
                own.count(),
                f"/acceptance/register/?status=open&department={user.organisation_id}",
                "bi-tools",
            )
        )
    if user.has_role(Role.DEPT_OFFICER) and user.organisation_id:
        rectifying = Project.objects.filter(department_id=user.organisation_id, status="rectifying")
        items.append(
            TodoItem("整改后待重新申请验收", rectifying.count(), "/projects/?status=rectifying")
        )
    if user.has_role(Role.OFFICE) and user.jurisdiction_id:
        responded = selectors.item_list(user=user, status=ItemState.RESPONDED)
        items.append(
            TodoItem(
                "待销号的整改事项",
                responded.count(),
                "/acceptance/register/?status=responded",
                "bi-check2-circle",
            )
        )
        waiting = selectors.awaiting_decision(jurisdiction_id=user.jurisdiction_id)
        items.append(
            TodoItem(
                "验收申请待决定",
                waiting.count(),
                f"/projects/?status=acceptance_requested&jurisdiction={user.jurisdiction_id}",
                "bi-clipboard2-check",
            )
        )
    if user.has_role(Role.AUDITOR) and user.jurisdiction_id:
        year = timezone.localdate().year
        pending = selectors.audit_list(user=user, year=year, pending=True)
        items.append(
            TodoItem(
                f"{year}年度待审计的已验收项目",
                pending.count(),
                f"/acceptance/audit/?year={year}&pending=1",
                "bi-search",
            )
        )
    return items
