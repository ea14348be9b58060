"""The project lifecycle (SPEC §3), declared once, top to bottom.

Each transition names who may fire it (``permission``, a predicate from
``permissions.py``) and, in ``custom``, its Chinese label, whether the project page
offers it as a button, and whether a written reason is required. Services in
``services.py`` fire transitions; nothing else assigns ``status``.
Print the graph with ``python manage.py graph_transitions projects``.
"""

from django.db import models
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from . import permissions as can


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已申报"
    RETURNED = "returned", "退回修改"
    IN_REVIEW = "in_review", "联合评审中"
    APPROVED = "approved", "已批复"
    REJECTED = "rejected", "未通过"
    FUNDED = "funded", "已列入预算"
    IN_CONSTRUCTION = "in_construction", "建设中"
    ACCEPTANCE_REQUESTED = "acceptance_requested", "验收申请中"
    RECTIFYING = "rectifying", "整改中"
    ACCEPTED = "accepted", "已验收"
    EVALUATING = "evaluating", "后评价中"
    EVALUATED = "evaluated", "已后评价"
    SUSPENDED = "suspended", "已暂停"
    TERMINATED = "terminated", "已终止"


S = State
# States in which a project is under way and can be suspended or terminated.
ACTIVE_STATES = [
    S.SUBMITTED,
    S.RETURNED,
    S.IN_REVIEW,
    S.APPROVED,
    S.FUNDED,
    S.IN_CONSTRUCTION,
    S.ACCEPTANCE_REQUESTED,
    S.RECTIFYING,
    S.ACCEPTED,
    S.EVALUATING,
]
# States whose projects are being built (monthly returns are due in later issues).
BUILDING_STATES = [S.IN_CONSTRUCTION, S.ACCEPTANCE_REQUESTED, S.RECTIFYING]
STATE_BADGES = {
    S.DRAFT: "secondary",
    S.SUBMITTED: "info",
    S.RETURNED: "warning",
    S.IN_REVIEW: "primary",
    S.APPROVED: "success",
    S.REJECTED: "dark",
    S.FUNDED: "success",
    S.IN_CONSTRUCTION: "primary",
    S.ACCEPTANCE_REQUESTED: "info",
    S.RECTIFYING: "warning",
    S.ACCEPTED: "success",
    S.EVALUATING: "info",
    S.EVALUATED: "success",
    S.SUSPENDED: "danger",
    S.TERMINATED: "dark",
}


def _by(predicate):
    """Adapt ``can_x(user, project)`` to django-fsm's ``permission(instance, user)``."""

    def permission(project, user):
        return bool(predicate(user, project))

    permission.predicate = predicate
    return permission


def _resume_target(project):
    return project.suspended_from


class ProjectWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=24, default=S.DRAFT, choices=S.choices, protected=True)
    suspended_from = models.CharField("暂停前状态", max_length=24, blank=True, choices=S.choices)

    class Meta:
        abstract = True

    # Proposal and precheck (this app).
    @transition(
        status,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        permission=_by(can.can_submit_project),
        custom={"label": "提交申报", "button": True, "style": "primary"},
    )
    def submit(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.DRAFT,
        permission=_by(can.can_withdraw_project),
        custom={"label": "撤回", "button": True, "style": "outline-secondary"},
    )
    def withdraw(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.RETURNED,
        permission=_by(can.can_precheck_project),
        custom={"label": "退回修改", "button": True, "style": "outline-warning", "reason": True},
    )
    def return_(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.IN_REVIEW,
        permission=_by(can.can_precheck_project),
        custom={"label": "受理并进入联审", "button": True, "style": "success"},
    )
    def accept_for_review(self):
        pass

    # Joint review (review app records the committee decision).
    @transition(
        status,
        source=S.IN_REVIEW,
        target=S.APPROVED,
        permission=_by(can.can_decide_project),
        custom={"label": "批复通过"},
    )
    def approve(self):
        pass

    @transition(
        status,
        source=S.IN_REVIEW,
        target=S.REJECTED,
        permission=_by(can.can_decide_project),
        custom={"label": "不予通过"},
    )
    def reject(self):
        pass

    @transition(
        status,
        source=S.IN_REVIEW,
        target=S.RETURNED,
        permission=_by(can.can_decide_project),
        custom={"label": "退回补充"},
    )
    def send_back(self):
        pass

    # Funding and construction (budget app).
    @transition(
        status,
        source=S.APPROVED,
        target=S.FUNDED,
        permission=_by(can.can_fund_project),
        custom={"label": "列入预算"},
    )
    def list_in_budget(self):
        pass

    @transition(
        status,
        source=S.FUNDED,
        target=S.IN_CONSTRUCTION,
        permission=_by(can.can_build_project),
        custom={"label": "开工建设"},
    )
    def start_construction(self):
        pass

    # Acceptance and post-evaluation (later issues).
    @transition(
        status,
        source=[S.IN_CONSTRUCTION, S.RECTIFYING],
        target=S.ACCEPTANCE_REQUESTED,
        permission=_by(can.can_build_project),
        custom={"label": "申请验收"},
    )
    def request_acceptance(self):
        pass

    @transition(
        status,
        source=S.ACCEPTANCE_REQUESTED,
        target=S.ACCEPTED,
        permission=_by(can.can_decide_project),
        custom={"label": "验收通过"},
    )
    def accept(self):
        pass

    @transition(
        status,
        source=S.ACCEPTANCE_REQUESTED,
        target=S.RECTIFYING,
        permission=_by(can.can_decide_project),
        custom={"label": "限期整改"},
    )
    def require_rectification(self):
        pass

    @transition(
        status,
        source=S.ACCEPTED,
        target=S.EVALUATING,
        permission=_by(can.can_decide_project),
        custom={"label": "启动后评价"},
    )
    def start_evaluation(self):
        pass

    @transition(
        status,
        source=S.EVALUATING,
        target=S.EVALUATED,
        permission=_by(can.can_decide_project),
        custom={"label": "完成后评价"},
    )
    def complete_evaluation(self):
        pass

    # Supervision: any active state can be paused or stopped (office or leaders).
    @transition(
        status,
        source=ACTIVE_STATES,
        target=S.SUSPENDED,
        permission=_by(can.can_supervise_project),
        custom={"label": "暂停", "button": True, "style": "outline-danger", "reason": True},
    )
    def suspend(self):
        self.suspended_from = self.status

    @transition(
        status,
        source=S.SUSPENDED,
        target=GET_STATE(_resume_target, states=ACTIVE_STATES),
        permission=_by(can.can_supervise_project),
        custom={"label": "恢复", "button": True, "style": "outline-success"},
    )
    def resume(self):
        pass  # target is computed from suspended_from after this body runs

    @transition(
        status,
        source=[*ACTIVE_STATES, S.SUSPENDED],
        target=S.TERMINATED,
        permission=_by(can.can_supervise_project),
        custom={"label": "终止", "button": True, "style": "danger", "reason": True},
    )
    def terminate(self):
        self.suspended_from = ""


def transition_meta(project, action):
    """The declared transition ``action`` (a method name) on ``project``."""
    for t in project.get_all_status_transitions():
        if t.name == action:
            return t
    raise KeyError(action)


def available_actions(user, project):
    """Transitions the user may fire now from the project page: the buttons."""
    seen, actions = set(), []
    for t in project.get_available_user_status_transitions(user):
        if t.custom.get("button") and t.name not in seen:
            seen.add(t.name)
            actions.append(t)
    return actions
