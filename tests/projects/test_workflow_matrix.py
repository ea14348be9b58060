"""Every (state, action, role) cell of the project lifecycle: all 15 states, all 17
transitions, every role. Allowed cells move the project to the declared target; refused
cells are refused with their reason (the role's or the state's message), and the page's
buttons agree.

The expected table is written out literally so it can disagree with the code. Each action
is fired through the one service that fires it (tests/core/test_workflow_plumbing.py holds
services to that). Where an allowed cell reaches a guard that needs data this matrix does not
build (construction without a contract), the expected outcome is that guard's refusal: the
state and role layer let it through. The committee's decision (approve, reject, send_back)
and budget listing need an agenda item or allocations, so for them the cell is read from the
same table the primitive checks (the permission predicate's reason, then the state); firing
them is tested cell by cell in tests/review/test_workflow_matrix.py and tests/budget.
Each call runs in a savepoint that is rolled back.
"""

import pytest
from django.db import transaction

from acceptance.services import acceptance_request
from budget import services as budget_services
from core.models import AuditEvent
from core.permissions import WorkflowError
from core.workflow import transition_meta
from projects import services
from projects.models import Project
from projects.workflow import State, available_actions
from tests.factories import Actors, draft_project

pytestmark = pytest.mark.django_db

STATE_LABEL = {
    "draft": "草稿",
    "submitted": "已申报",
    "returned": "退回修改",
    "in_review": State.IN_REVIEW.label,
    "approved": "已批复",
    "rejected": "未通过",
    "funded": State.FUNDED.label,
    "in_construction": "建设中",
    "acceptance_requested": State.ACCEPTANCE_REQUESTED.label,
    "rectifying": "整改中",
    "accepted": "已验收",
    "evaluating": "后评价中",
    "evaluated": State.EVALUATED.label,
    "suspended": "已暂停",
    "terminated": "已终止",
}
ALL_STATES = list(STATE_LABEL)
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
NOT_DEPT = "只有申报单位的经办人或负责人可以办理"
NOT_OFFICE = "只有牵头部门可以办理"
# action -> (label, source states, target, roles allowed, reason for other roles)
EXPECTED = {
    "submit": ("提交申报", {"draft", "returned"}, "submitted", DEPT, NOT_DEPT),
    "withdraw": ("撤回", {"submitted"}, "draft", DEPT, NOT_DEPT),
    "return_": ("退回修改", {"submitted"}, "returned", {"office"}, NOT_OFFICE),
    "accept_for_review": ("受理并进入联审", {"submitted"}, "in_review", {"office"}, NOT_OFFICE),
    "approve": ("同意立项", {"in_review"}, "approved", {"office"}, NOT_OFFICE),
    "reject": ("不予立项", {"in_review"}, "rejected", {"office"}, NOT_OFFICE),
    "send_back": ("退回补充完善", {"in_review"}, "returned", {"office"}, NOT_OFFICE),
    "list_in_budget": ("纳入预算", {"approved"}, "funded", {"finance"}, "只有财政部门可以纳入预算"),
    "start_construction": ("开工建设", {"funded"}, "in_construction", {"dept_officer"}, NOT_DEPT),
    "request_acceptance": (
        "申请验收",
        {"in_construction", "rectifying"},
        "acceptance_requested",
        {"dept_officer"},
        NOT_DEPT,
    ),
    "accept": ("验收通过", {"acceptance_requested"}, "accepted", {"office"}, NOT_OFFICE),
    "require_rectification": (
        "限期整改",
        {"acceptance_requested"},
        "rectifying",
        {"office"},
        NOT_OFFICE,
    ),
    "start_evaluation": ("启动后评价", {"accepted"}, "evaluating", {"office"}, NOT_OFFICE),
    "complete_evaluation": ("完成后评价", {"evaluating"}, "evaluated", {"office"}, NOT_OFFICE),
    "suspend": ("暂停", set(ACTIVE), "suspended", SUPERVISORS, NOT_OFFICE),
    "resume": ("恢复", {"suspended"}, "in_review", SUPERVISORS, NOT_OFFICE),  # suspended_from
    "terminate": ("终止", set(ACTIVE) | {"suspended"}, "terminated", SUPERVISORS, NOT_OFFICE),
}
BUTTONS = {"submit", "withdraw", "return_", "accept_for_review", "suspend", "resume", "terminate"}
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


SERVICES = {
    "request_acceptance": lambda project, by, comment: acceptance_request(
        project=project, by=by, final_progress=100, summary=comment
    ),
    "start_evaluation": services.project_start_evaluation,
    "complete_evaluation": services.project_complete_evaluation,
}
# Read from the table, not fired (see the module docstring). The acceptance decision needs an
# acceptance round; its cells are fired in tests/acceptance/test_workflow.py.
TABLE_ONLY = {"approve", "reject", "send_back", "list_in_budget", "accept", "require_rectification"}
# Allowed cells that stop at a guard needing data the matrix does not build (the refusal
# starts with this text; R8 goes on to name each missing item).
GUARD_REFUSAL = {
    "start_construction": "开工建设前须登记采购合同",
    "request_acceptance": "R8 验收清单不完整，不能申请验收：",
    "complete_evaluation": "该项目没有进行中的后评价",  # the panel's score: review's services
}


def _run(project, action, user):
    if action in services.ACTION_SERVICES:
        return services.ACTION_SERVICES[action](project, user, "理由说明")
    if action == "start_construction":
        return budget_services.project_start_construction(project=project, by=user)
    return SERVICES[action](project=project, by=user, comment="理由说明")


def _table_outcome(project, action, user):
    """What the primitive decides before the guards: the predicate's reason, then the state."""
    meta = transition_meta(project, action)
    decision = meta.permission.predicate(user, project)
    if not decision:
        return decision.reason
    if action not in {t.name for t in project.get_available_status_transitions()}:
        return f"项目当前状态为“{project.get_status_display()}”，不能{meta.custom['label']}"
    return (meta.target, 1)


class Rollback(Exception):
    pass


def _outcome(project, action, user):
    if action in TABLE_ONLY:
        return _table_outcome(project, action, user)
    try:
        with transaction.atomic():
            moved = _run(project, action, user)
            events = AuditEvent.objects.filter(project=project, action=action).count()
            raise Rollback(moved.status, events)
    except Rollback as done:
        return done.args
    except WorkflowError as error:
        return str(error)


def _expected(state, action, role):
    label, sources, target, roles, not_yours = EXPECTED[action]
    if role not in roles:
        theirs = not_yours == NOT_DEPT and role == "other_dept_officer"
        return "只能办理本单位的项目" if theirs else not_yours
    if state not in sources:
        return f"项目当前状态为“{STATE_LABEL[state]}”，不能{label}"
    return GUARD_REFUSAL.get(action, (target, 1))


def test_the_table_covers_every_declared_transition_and_state():
    assert set(STATE_LABEL) == set(State.values)
    assert {k: str(v) for k, v in STATE_LABEL.items()} == {s.value: s.label for s in State}
    declared = {t.name for t in Project().get_all_status_transitions()}
    assert declared == set(EXPECTED)


@pytest.mark.parametrize("state", ALL_STATES)
def test_state_action_role_cell(state):
    actors = Actors()
    users = actors.by_role()
    project = _project_in(actors, state)
    mismatches = []
    for action in EXPECTED:
        for role in ROLES:
            user = users[role]
            expected = _expected(state, action, role)
            got = _outcome(project, action, user)
            prefix = action in GUARD_REFUSAL and isinstance(got, str) and isinstance(expected, str)
            if got != expected and not (prefix and got.startswith(expected)):
                mismatches.append(f"{state}/{action}/{role}: got {got!r}, expected {expected!r}")
            offered = action in {t.name for t in available_actions(user, project)}
            if offered != (action in BUTTONS and isinstance(expected, tuple)):
                mismatches.append(f"{state}/{action}/{role}: button offered={offered}")
    project.refresh_from_db()
    assert project.status == state
    assert not AuditEvent.objects.filter(project=project, action__in=list(EXPECTED)).exists()
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("action", ["return_", "suspend", "terminate"])
def test_a_reason_is_required_where_the_table_says_so(action):
    actors = Actors()
    project = _project_in(actors, "submitted")
    label = EXPECTED[action][0]
    with pytest.raises(WorkflowError, match=f"^{label}须填写理由$"):
        services.ACTION_SERVICES[action](project, actors.office, "  ")
    project.refresh_from_db()
    assert project.status == "submitted"


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
    with pytest.raises(WorkflowError, match=f"项目当前状态为“{State.IN_REVIEW.label}”，不能撤回"):
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
