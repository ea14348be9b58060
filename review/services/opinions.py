"""Written opinions of the reviewing units, signed and versioned."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.permissions import WorkflowError, require
from core.uploads import check_upload

from ..models import (
    Function,
    Opinion,
    ReviewTask,
)
from ..permissions import can_give_opinion


@transaction.atomic
def opinion_sign(
    *, task, conclusion, text, by, recommended_amount=None, attachment=None, correction_reason=""
) -> Opinion:
    """Sign an opinion. A second signature is a correction and needs a reason."""
    task = ReviewTask.objects.select_for_update().select_related("review__project").get(pk=task.pk)
    require(can_give_opinion(by, task))
    if conclusion not in Opinion.Conclusion.values:
        raise WorkflowError("请选择审查结论")
    if not text.strip():
        raise WorkflowError("请填写审查意见")
    if task.function == Function.FISCAL and recommended_amount is None:
        raise WorkflowError("财政评审意见须填写建议金额")
    if recommended_amount is not None and recommended_amount < 0:
        raise WorkflowError("建议金额不能为负数")
    if attachment:
        attachment.name, _ = check_upload(attachment)
    last = task.opinions.aggregate(v=Max("version"))["v"] or 0
    if last and not correction_reason.strip():
        raise WorkflowError("意见已签署，更正须说明理由")
    opinion = Opinion.objects.create(
        task=task,
        version=last + 1,
        conclusion=conclusion,
        text=text.strip(),
        recommended_amount=recommended_amount,
        attachment=attachment or "",
        correction_reason=correction_reason.strip(),
        signed_by=by,
        signed_at=timezone.now(),
    )
    if not task.completed_at:
        task.completed_at = opinion.signed_at
        task.save(update_fields=["completed_at"])
    audit_record(
        by=by,
        subject=opinion,
        project=task.review.project,
        action="opinion_correct" if last else "opinion_sign",
        action_label=f"更正{task.get_function_display()}意见"
        if last
        else f"出具{task.get_function_display()}意见",
        comment=opinion.text,
        data={
            "conclusion": conclusion,
            "version": opinion.version,
            "recommended_amount": recommended_amount,
            "reason": opinion.correction_reason,
        },
    )
    return opinion
