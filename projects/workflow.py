"""The project lifecycle (SPEC §3), declared once, top to bottom.

Each transition names who may fire it (``permission``, a predicate from
``permissions.py``) and, in ``custom``, its Chinese label, whether the project page
offers it as a button, whether a written reason is required, and its ``guards``: the
conditions checked on the locked project, in order (``core.workflow``). Guards another app
owns are hooks here that the app fills from its ``ready()``. One service per transition
fires it (``services.py``, or the owning app's services); nothing else assigns ``status``.
Print the graph with ``python manage.py graph_transitions projects``.
"""

from django.db import models
from django.utils import timezone
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from core.models import Role
from core.workflow import GuardHook, Lifecycle, available_transitions, by_predicate, guard

from . import permissions as can
from . import rules


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已申报"
    RETURNED = "returned", "退回修改"
    IN_REVIEW = "in_review", "联审中"
    APPROVED = "approved", "已批复"
    REJECTED = "rejected", "未通过"
    FUNDED = "funded", "已纳入预算"
    IN_CONSTRUCTION = "in_construction", "建设中"
    ACCEPTANCE_REQUESTED = "acceptance_requested", "竣工验收中"
    RECTIFYING = "rectifying", "整改中"
    ACCEPTED = "accepted", "已验收"
    EVALUATING = "evaluating", "后评价中"
    EVALUATED = "evaluated", "已完成后评价"
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


def _audit(project, action, label):
    return {"project": project, "action": action, "action_label": label}


LIFECYCLE = Lifecycle(model="projects.Project", noun="项目", audit=_audit)


# Guards: each returns None when met, else the refusal.
@guard("规划预检（SPEC §5）无阻断项")
def rules_pass(project, by, context):
    messages = rules.blocking_messages(rules.preflight(project))
    if messages:
        return "不能提交：" + "；".join(messages)
    return None


@guard("本辖区要求时，单位负责人已确认（或由负责人本人提交）")
def head_confirmed(project, by, context):
    needs_head = project.jurisdiction.require_head_confirmation
    if needs_head and not by.has_role(Role.DEPT_HEAD) and not project.head_confirmed_at:
        return "本辖区要求单位负责人确认后方可提交，请先请单位负责人确认"
    return None


@guard("登记的申报检查通过（评审：年度集中申报须在申报窗口内）")
def submission_checks(project, by, context):
    for check in rules.SUBMISSION_CHECKS:
        check(project)  # raises WorkflowError
    return None


@guard("牵头部门尚未签收")
def not_received(project, by, context):
    if project.received_at:
        return "牵头部门已签收并开始形式审查，不能撤回"
    return None


def approved_on(project):
    """The day the project was approved (the audit event of its ``approve`` transition)."""
    at = (
        project.audit_events.filter(subject_type="project", action="approve")
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at else None


@guard("列入预算之日不早于批复之日")
def listed_after_approval(project, by, context):
    approved, today = approved_on(project), timezone.localdate()
    if approved and today < approved:
        return (
            f"日期顺序：列入预算日期（{today:%Y-%m-%d}）不能早于项目批复日期（{approved:%Y-%m-%d}）"
        )
    return None


# Hooks: conditions a higher app checks (it registers them from its ready()).
committee_decision = GuardHook(
    "committee_decision",
    "书面意见齐全、专家评审结束、会议表决结束且达法定人数，决定与表决结果一致（评审登记）",
)
budget_allocated = GuardHook(
    "budget_allocated", "年度预算安排不超过各年度专项资金额度和核定投资（资金登记）"
)
contract_signed = GuardHook("contract_signed", "已登记采购合同（资金登记）")
acceptance_checklist = GuardHook(
    "acceptance_checklist",
    "R8 验收清单齐全且在有效期内：等保测评、密评、上线前风险评估、数据共享、进度100%、归档材料（验收登记）",
)
acceptance_decision = GuardHook(
    "acceptance_decision",
    "验收意见（发改、工信、财政）齐全、专家验收评审结束，整改决定须列明问题（验收登记）",
)
evaluation_scored = GuardHook(
    "evaluation_scored", "后评价专家评分已结束并得出评价得分和等级（评审登记）"
)


def _resume_target(project):
    return project.suspended_from


class ProjectWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=24, default=S.DRAFT, choices=S.choices, protected=True)
    suspended_from = models.CharField("暂停前状态", max_length=24, blank=True, choices=S.choices)
    suspended_at = models.DateTimeField("暂停时间", null=True, blank=True)

    class Meta:
        abstract = True

    # Proposal and precheck (this app).
    @transition(
        status,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        permission=by_predicate(can.can_submit_project),
        custom={
            "label": "提交申报",
            "button": True,
            "style": "primary",
            "guards": [rules_pass, head_confirmed, submission_checks],
        },
    )
    def submit(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.DRAFT,
        permission=by_predicate(can.can_withdraw_project),
        custom={
            "label": "撤回",
            "button": True,
            "style": "outline-secondary",
            "guards": [not_received],
        },
    )
    def withdraw(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.RETURNED,
        permission=by_predicate(can.can_precheck_project),
        custom={"label": "退回修改", "button": True, "style": "outline-warning", "reason": True},
    )
    def return_(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.IN_REVIEW,
        permission=by_predicate(can.can_precheck_project),
        custom={"label": "受理并进入联审", "button": True, "style": "success"},
    )
    def accept_for_review(self):
        pass

    # Joint review (review app records the committee decision).
    @transition(
        status,
        source=S.IN_REVIEW,
        target=S.APPROVED,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "同意立项", "guards": [committee_decision]},
    )
    def approve(self):
        pass

    @transition(
        status,
        source=S.IN_REVIEW,
        target=S.REJECTED,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "不予立项", "guards": [committee_decision]},
    )
    def reject(self):
        pass

    @transition(
        status,
        source=S.IN_REVIEW,
        target=S.RETURNED,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "退回补充完善", "guards": [committee_decision]},
    )
    def send_back(self):
        pass

    # Funding and construction (budget app).
    @transition(
        status,
        source=S.APPROVED,
        target=S.FUNDED,
        permission=by_predicate(can.can_fund_project),
        custom={"label": "纳入预算", "guards": [listed_after_approval, budget_allocated]},
    )
    def list_in_budget(self):
        pass

    @transition(
        status,
        source=S.FUNDED,
        target=S.IN_CONSTRUCTION,
        permission=by_predicate(can.can_build_project),
        custom={"label": "开工建设", "guards": [contract_signed]},
    )
    def start_construction(self):
        pass

    # Acceptance (acceptance app: the R8 checklist, the acceptance review and its decision).
    @transition(
        status,
        source=[S.IN_CONSTRUCTION, S.RECTIFYING],
        target=S.ACCEPTANCE_REQUESTED,
        permission=by_predicate(can.can_build_project),
        custom={"label": "申请验收", "guards": [acceptance_checklist]},
    )
    def request_acceptance(self):
        pass

    @transition(
        status,
        source=S.ACCEPTANCE_REQUESTED,
        target=S.ACCEPTED,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "验收通过", "guards": [acceptance_decision]},
    )
    def accept(self):
        pass

    @transition(
        status,
        source=S.ACCEPTANCE_REQUESTED,
        target=S.RECTIFYING,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "限期整改", "guards": [acceptance_decision]},
    )
    def require_rectification(self):
        pass

    # Post-evaluation.
    @transition(
        status,
        source=S.ACCEPTED,
        target=S.EVALUATING,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "启动后评价"},
    )
    def start_evaluation(self):
        pass

    @transition(
        status,
        source=S.EVALUATING,
        target=S.EVALUATED,
        permission=by_predicate(can.can_decide_project),
        custom={"label": "完成后评价", "guards": [evaluation_scored]},
    )
    def complete_evaluation(self):
        pass

    # Supervision: any active state can be paused or stopped (office or leaders).
    @transition(
        status,
        source=ACTIVE_STATES,
        target=S.SUSPENDED,
        permission=by_predicate(can.can_supervise_project),
        custom={"label": "暂停", "button": True, "style": "outline-danger", "reason": True},
    )
    def suspend(self):
        self.suspended_from = self.status
        self.suspended_at = timezone.now()

    @transition(
        status,
        source=S.SUSPENDED,
        target=GET_STATE(_resume_target, states=ACTIVE_STATES),
        permission=by_predicate(can.can_supervise_project),
        custom={"label": "恢复", "button": True, "style": "outline-success"},
    )
    def resume(self):
        pass  # target is computed from suspended_from after this body runs

    @transition(
        status,
        source=[*ACTIVE_STATES, S.SUSPENDED],
        target=S.TERMINATED,
        permission=by_predicate(can.can_supervise_project),
        custom={"label": "终止", "button": True, "style": "danger", "reason": True},
    )
    def terminate(self):
        self.suspended_from = ""
        self.suspended_at = None


def available_actions(user, project):
    """Transitions the user may fire now from the project page: the buttons."""
    return [t for t in available_transitions(user, project) if t.custom.get("button")]
