"""What a project's page shows to one reader: the record, the rule results and the buttons the
transition table and the ``permissions`` predicates allow (templates never decide)."""

from . import rules, selectors
from .forms import AttachmentForm
from .links import project_links
from .permissions import (
    can_confirm_project,
    can_edit_project,
    can_precheck_project,
    head_confirmation_missing,
)
from .stages import stage_bar
from .workflow import STATE_BADGES, State, available_actions


def _needs_confirmation(project) -> bool:
    """The jurisdiction requires the department head to confirm before submission."""
    return project.is_editable_state and project.jurisdiction.require_head_confirmation


def project_page(project, user) -> dict:
    results = rules.preflight(project)
    blocking = rules.blocking_messages(results)
    if project.is_editable_state and head_confirmation_missing(user, project):
        blocking.append("本辖区要求单位负责人确认后方可提交，尚未确认")
    timeline = selectors.project_timeline(project=project, user=user)
    return {
        "project": project,
        "stages": stage_bar(project, timeline),
        "badge": STATE_BADGES[project.status],
        "actions": available_actions(user, project),
        "results": results,
        "blocking": blocking,
        "timeline": timeline,
        "attachments": project.attachments.select_related("uploaded_by"),
        "can_edit": can_edit_project(user, project),
        "can_confirm": project.is_editable_state
        and not project.head_confirmed_at
        and can_confirm_project(user, project),
        "can_receive": project.status == State.SUBMITTED
        and not project.received_at
        and can_precheck_project(user, project),
        "attachment_form": AttachmentForm(),
        "needs_confirmation": _needs_confirmation(project),
        "links": project_links(user, project),
    }
