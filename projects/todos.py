"""To-do items owned by the projects app. Each count is the ledger's row count for the link
it carries: the same selector and filters (SPEC §2 scoping included)."""

from django.http import QueryDict
from django.urls import reverse

from core.models import Role
from core.todo import TodoItem, todo_provider, todo_stamp

from .models import Project
from .selectors import project_list


def _ledger_item(user, label, query, icon) -> TodoItem:
    count = project_list(user=user, filters=QueryDict(query)).qs.count()
    return TodoItem(label, count, f"{reverse('projects:ledger')}?{query}", icon)


@todo_provider
def project_todos(user):
    items = []
    if user.has_role(Role.OFFICE):
        query = f"status=submitted&jurisdiction={user.jurisdiction_id}"
        items.append(_ledger_item(user, "待形式审查的申报", query, "bi-clipboard-check"))
    if user.has_role(Role.DEPT_OFFICER, Role.DEPT_HEAD) and user.organisation_id:
        query = f"status=returned&department={user.organisation_id}"
        items.append(_ledger_item(user, "被退回待修改的项目", query, "bi-arrow-counterclockwise"))
        if (
            user.has_role(Role.DEPT_HEAD)
            and user.organisation.jurisdiction.require_head_confirmation
        ):
            query = f"awaiting_confirmation=true&department={user.organisation_id}"
            items.append(_ledger_item(user, "待负责人确认的申报", query, "bi-pen"))
    return items


@todo_stamp
def last_project_edit():
    """Draft edits without money changes are not audited but move the head's to-dos."""
    return Project.objects.order_by("-updated_at").values("updated_at")[:1]
