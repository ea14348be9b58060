"""Acceptance's hooks into the project lifecycle (registered from ``AcceptanceConfig.ready()``):
R8 before ``request_acceptance``; complete acceptance opinions and a closed expert panel
before ``accept`` / ``require_rectification``."""

from projects.workflow import acceptance_checklist, acceptance_decision
from review import selectors as review_selectors
from review.models import Panel, Review

from . import checklist


@acceptance_checklist.register
def r8_complete(project, by, context):
    """``context["final_progress"]``: the progress the department declares (R8)."""
    lines = checklist.checklist(project, final_progress=context.get("final_progress"))
    return checklist.refusal(lines)


@acceptance_decision.register
def acceptance_reviewed(project, by, context):
    """The round's review (``context["round"]``) has every required opinion and a closed
    panel; requiring rectification names at least one finding."""
    round_ = context.get("round")
    if round_ is None:
        return "须在验收页面记录验收决定"
    review = Review.objects.select_for_update().get(pk=round_.review_id)
    if review.status != Review.Status.OPEN:
        return "本轮验收已作出决定"
    missing = review_selectors.missing_opinions(review)
    if missing:
        return "尚缺验收意见：" + "、".join(missing) + "，不能作出验收决定"
    panel = Panel.objects.filter(review=review).first()
    if panel is None or panel.closed_at is None:
        return "专家验收评审尚未结束，不能作出验收决定"
    if context["action"] == "require_rectification" and not context.get("findings"):
        return "限期整改须列明至少一项问题（整改期限、责任人）"
    return None
