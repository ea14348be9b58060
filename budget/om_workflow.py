"""The O&M funding application (运维经费申请) lifecycle, SPEC §6 and R9, declared once.

draft → submitted (department, within the round's window) → granted (finance: R9 passes and
the year's pool holds the amount; the grant becomes an O&M budget line) or denied (finance,
recording the failing R9 rules with their basis, or its own reason). The department may
withdraw a submitted application back to draft. One service per transition in
``services/om.py`` fires it; nothing else assigns ``status``.
"""

from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.workflow import Lifecycle, available_transitions, by_predicate, guard

from . import permissions as can


class OmState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待财政审核"
    GRANTED = "granted", "已安排"
    DENIED = "denied", "不予安排"


S = OmState
OM_BADGES = {S.DRAFT: "secondary", S.SUBMITTED: "info", S.GRANTED: "success", S.DENIED: "dark"}


def _audit(a, action, label):
    return {
        "project": a.project,
        "action": f"om_{action}",
        "action_label": f"运维经费申请{label}",
        "data": {"round": a.round_id, "year": a.round.year, "amount": a.amount},
    }


LIFECYCLE = Lifecycle(
    model="budget.OmApplication", noun="运维经费申请", audit=_audit, related=("round", "project")
)


@guard("在运维经费申请窗口内")
def window_open(application, by, context):
    r, today = application.round, timezone.localdate()
    if not (r.opens_on <= today <= r.closes_on):
        return (
            f"{r.name}的申请时间为{r.opens_on:%Y-%m-%d}至{r.closes_on:%Y-%m-%d}，当前不在申请时间内"
        )
    return None


@guard("项目已验收或已后评价")
def project_in_service(application, by, context):
    from .om_rules import OM_STATES

    project = application.project
    if project.status not in OM_STATES:
        return f"项目当前状态为“{project.get_status_display()}”，只有已验收或已后评价的项目可以申请运维经费"
    return None


@guard("R9：规划符合、数据共享符合、后评价（到期的）合格及以上")
def r9_passes(application, by, context):
    from .om_rules import r9_failures

    failures = r9_failures(application.project)
    if failures:
        return "不符合R9，不能安排运维经费：" + "；".join(f.text for f in failures)
    return None


@guard("安排金额不超过申请金额，且不超过本年度资金池")
def grant_fits(application, by, context):
    from .om_rules import grant_refusal

    return grant_refusal(application, context["amount"], context["funds"])


class OmWorkflow(ConcurrentTransitionMixin, models.Model):
    status = FSMField("状态", max_length=16, default=S.DRAFT, choices=S.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        status,
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=by_predicate(can.can_apply_om),
        custom={
            "label": "提交申请",
            "style": "primary",
            "guards": [window_open, project_in_service],
        },
    )
    def submit(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.DRAFT,
        permission=by_predicate(can.can_apply_om),
        custom={"label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.GRANTED,
        permission=by_predicate(can.can_decide_om),
        custom={
            "label": "同意安排",
            "style": "success",
            "guards": [project_in_service, r9_passes, grant_fits],
        },
    )
    def grant(self):
        pass

    @transition(
        status,
        source=S.SUBMITTED,
        target=S.DENIED,
        permission=by_predicate(can.can_decide_om),
        custom={"label": "不予安排", "style": "outline-danger", "reason": True},
    )
    def deny(self):
        pass


def available_actions(user, application):
    return available_transitions(user, application)
