"""Written opinions of the reviewing units, signed and versioned."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.concurrency import check_version
from core.models import AuditEvent, ReviewFunction
from core.permissions import WorkflowError, require
from core.uploads import check_upload

from ..models import (
    Opinion,
    ReviewTask,
)
from ..permissions import can_give_opinion

CORRECTED_FIELDS = ["conclusion", "text", "recommended_amount", "attachment"]


@transaction.atomic
def opinion_sign(
    *,
    task,
    version: int,
    conclusion,
    text,
    by,
    recommended_amount=None,
    attachment=None,
    correction_reason="",
) -> Opinion:
    """Sign an opinion. A second signature is a correction and needs a reason.

    ``version`` is the latest signed version the signer saw (0: none); a stale one is refused,
    so two people of the same unit cannot sign over each other.
    """
    task = ReviewTask.objects.select_for_update().select_related("review__project").get(pk=task.pk)
    require(can_give_opinion(by, task))
    previous = task.opinions.order_by("-version").first()
    check_version(
        task,
        version,
        label="意见",
        current=previous.version if previous else 0,
        events=AuditEvent.objects.filter(
            subject_type="opinion", subject_id__in=task.opinions.values("pk")
        ),
    )
    if conclusion not in Opinion.Conclusion.values:
        raise WorkflowError("请选择审查结论")
    if not text.strip():
        raise WorkflowError("请填写审查意见")
    approval = task.review.occasion == "approval"
    if approval and task.function == ReviewFunction.FISCAL and recommended_amount is None:
        raise WorkflowError("财政评审意见须填写建议金额")
    if recommended_amount is not None and recommended_amount < 0:
        raise WorkflowError("建议金额不能为负数")
    if attachment:
        attachment.name, _ = check_upload(attachment)
    last = previous.version if previous else 0
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
        action_label=f"更正{task.get_function_display()}"
        if last
        else f"出具{task.get_function_display()}",
        comment=opinion.text,
        data={
            "conclusion": conclusion,
            "version": opinion.version,
            "recommended_amount": recommended_amount,
            "reason": opinion.correction_reason,
            "changed": _changed(previous, opinion),
        },
    )
    return opinion


def _changed(previous, opinion) -> list[str]:
    if previous is None:
        return []
    return [
        str(Opinion._meta.get_field(f).verbose_name)
        for f in CORRECTED_FIELDS
        if getattr(previous, f) != getattr(opinion, f)
    ]
