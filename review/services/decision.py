"""Recording the committee's decision, which fires the project's transition."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.money import money_text
from core.permissions import WorkflowError
from core.selectors import department_users
from core.services import notify
from core.workflow import _fire
from projects.workflow import LIFECYCLE as PROJECT

from .. import selectors
from ..calendar import meeting_date_refusal
from ..models import Outcome, Review

# The project transition each recorded decision fires (the committee_decision guard checks it).
DECISION_ACTIONS = {
    Outcome.APPROVE: "approve",
    Outcome.REJECT: "reject",
    Outcome.SEND_BACK: "send_back",
}


def review_decide(*, item, decision, by, comment="", amount=None, override_reason="") -> Review:
    """Record the committee's decision and fire approve / reject / send_back on the project."""
    if decision not in Outcome.values:
        raise WorkflowError("请选择决定")
    review = item.review
    if refusal := meeting_date_refusal(item.meeting, "记录联审决定"):
        raise WorkflowError(refusal)
    with transaction.atomic():
        final_amount = None
        if decision == Outcome.APPROVE:
            default = selectors.default_approved_amount(review)
            final_amount = default if amount is None else amount
            if final_amount != default and not override_reason.strip():
                raise WorkflowError(
                    "核定投资与默认金额（申报金额与财评建议的较低者）不同，须说明调整理由"
                )
            if final_amount <= 0 or final_amount > review.project.total_investment:
                raise WorkflowError("核定投资须大于0且不超过申报的投资估算")

        def after(project):
            if final_amount is not None:
                project.approved_amount = final_amount

        project = _fire(
            PROJECT,
            review.project,
            DECISION_ACTIONS[decision],
            by=by,
            comment=comment,
            context={"item": item},
            after=after,
        )
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.status, review.decision = Review.Status.DECIDED, decision
        review.decided_at, review.decided_by = timezone.now(), by
        review.decision_comment = comment.strip()
        review.approved_amount = final_amount
        review.amount_override_reason = override_reason.strip()
        review.save()
        audit_record(
            by=by,
            subject=review,
            project=project,
            action="review_decide",
            action_label="记录联审决定",
            to_state=decision,
            comment=comment,
            data={
                "approved_amount": final_amount,
                "override_reason": override_reason,
                "item": item.pk,
            },
        )
        text = f"联审决定：{project.name} {Outcome(decision).label}"
        if final_amount is not None:
            text += f"，核定投资 {money_text(final_amount)}"
        notify(users=department_users(project), text=text, url=f"/projects/{project.pk}/")
    return review
