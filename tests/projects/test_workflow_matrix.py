"""Every (state, action, role) cell of the lifecycle actions this app fires.

The expected table is written out literally so it can disagree with the code.
"""

import pytest

from core.models import AuditEvent
from core.permissions import WorkflowError
from projects import services
from projects.models import Project
from projects.workflow import State, available_actions
from tests.factories import Actors, draft_project

pytestmark = pytest.mark.django_db

ALL_STATES = list(State.values)
ACTIVE = [
    "submitted",
    "returned",
    "in_review",
    "approved",
    "funded",
    "in_construction",
    "acceptance_requested",
    "rectifying",
    "accepted",
    "evaluating",
]
DEPT = {"dept_officer", "dept_head"}
SUPERVISORS = {"office", "leader"}
EXPECTED = {
    "submit": ({"draft", "returned"}, DEPT),
    "withdraw": ({"submitted"}, DEPT),
    "return_": ({"submitted"}, {"office"}),
    "accept_for_review": ({"submitted"}, {"office"}),
    "suspend": (set(ACTIVE), SUPERVISORS),
    "resume": ({"suspended"}, SUPERVISORS),
    "terminate": (set(ACTIVE) | {"suspended"}, SUPERVISORS),
}
ROLES = [
    "dept_officer",
    "dept_head",
    "other_dept_officer",
    "office",
    "leader",
    "reviewer",
    "expert",
    "committee",
    "finance",
    "auditor",
    "admin",
]


def _project_in(actors, state):
    """A complete, head-confirmed proposal placed directly in ``state`` for the matrix."""
    project = draft_project(actors)
    services.project_confirm(project=project, by=actors.head)
    suspended_from = "in_review" if state == "suspended" else ""
    Project.objects.filter(pk=project.pk).update(status=state, suspended_from=suspended_from)
    return Project.objects.get(pk=project.pk)


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_state_action_role_cell(state, action):
    actors = Actors()
    users = actors.by_role()
    sources, roles = EXPECTED[action]
    project = _project_in(actors, state)
    for role in ROLES:
        allowed = state in sources and role in roles
        user = users[role]
        offered = {t.name for t in available_actions(user, project)}
        assert (action in offered) == allowed, f"button {action} for {role} in {state}"
        events = AuditEvent.objects.filter(project=project).count()
        if allowed:
            moved = services.ACTION_SERVICES[action](project, user, "理由说明")
            assert moved.status != state
            assert AuditEvent.objects.filter(project=project, action=action).count() == 1
            project = _project_in(actors, state)
        else:
            with pytest.raises(WorkflowError):
                services.ACTION_SERVICES[action](project, user, "理由说明")
            project.refresh_from_db()
            assert project.status == state
            assert AuditEvent.objects.filter(project=project).count() == events


@pytest.mark.parametrize(
    ("action", "target"),
    [
        ("submit", "submitted"),
        ("withdraw", "draft"),
        ("return_", "returned"),
        ("accept_for_review", "in_review"),
        ("suspend", "suspended"),
        ("terminate", "terminated"),
    ],
)
def test_targets(action, target):
    actors = Actors()
    source = {"submit": "draft", "suspend": "in_review", "terminate": "funded"}.get(
        action, "submitted"
    )
    project = _project_in(actors, source)
    user = (
        actors.office
        if action in ("return_", "accept_for_review", "suspend", "terminate")
        else actors.officer
    )
    assert services.ACTION_SERVICES[action](project, user, "理由").status == target


def test_wrong_state_message_names_state_and_action():
    actors = Actors()
    project = _project_in(actors, "in_review")
    with pytest.raises(WorkflowError, match="项目当前状态为“联合评审中”，不能撤回"):
        services.project_withdraw(project=project, by=actors.officer)


def test_other_department_is_told_it_is_not_theirs():
    actors = Actors()
    project = _project_in(actors, "draft")
    with pytest.raises(WorkflowError, match="只能办理本单位的项目"):
        services.project_submit(project=project, by=actors.other_officer)


def test_later_transitions_are_declared_but_never_offered_as_buttons():
    actors = Actors()
    for state in (
        "in_review",
        "approved",
        "funded",
        "in_construction",
        "acceptance_requested",
        "accepted",
        "evaluating",
    ):
        project = _project_in(actors, state)
        for user in actors.by_role().values():
            names = {t.name for t in available_actions(user, project)}
            assert names <= {"suspend", "terminate"}
