"""To-do items owned by the projects app. Each count is the ledger's row count for the link
it carries: the same selector and filters (SPEC §2 scoping included)."""

from django.http import QueryDict
from django.urls import reverse

from core.models import Role
from core.todo import TodoItem, todo_provider, todo_stamp

from .models import Project
from .selectors import project_list
from .workflow import State


def _ledger_item(user, label, query, icon) -> TodoItem:
    count = project_list(user=user, filters=QueryDict(query)).qs.count()
    return TodoItem(label, count, f"{reverse('projects:ledger')}?{query}", icon)


def _state_item(user, label, status, narrow, icon) -> TodoItem:
    """Projects in ``status`` the user sees, narrowed to one jurisdiction or department: one
    COUNT over (jurisdiction|department, status), linking to the same ledger filter."""
    count = Project.objects.visible_to(user).filter(status=status, **narrow).count()
    query = "&".join([f"status={status}", *(f"{k}={v}" for k, v in narrow.items())])
    return TodoItem(label, count, f"{reverse('projects:ledger')}?{query}", icon)


@todo_provider
def project_todos(user):
    items = []
    if user.has_role(Role.OFFICE):
        query = f"status=submitted&jurisdiction={user.jurisdiction_id}"
        items.append(_ledger_item(user, "待形式审查的申报", query, "bi-clipboard-check"))
    if user.has_role(Role.FINANCE) and user.jurisdiction_id:
        here = {"jurisdiction": user.jurisdiction_id}
        label = "已批复待列入预算的项目"
        items.append(_state_item(user, label, State.APPROVED, here, "bi-journal-plus"))
    if user.has_role(Role.DEPT_OFFICER) and user.organisation_id:
        own = {"department": user.organisation_id}
        label = "已列入预算待登记合同、开工的项目"
        items.append(_state_item(user, label, State.FUNDED, own, "bi-file-earmark-text"))
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
