"""The auditor keeps the annual audit list: status, findings, and findings as register items."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.concurrency import check_version
from core.permissions import WorkflowError, require

from ..models import AuditEntry, RectificationItem
from ..permissions import can_manage_audit_list
from .register import new_item


@transaction.atomic
def audit_entry_update(
    *, entry, status, by, version, findings="", note="", new_items=()
) -> AuditEntry:
    """Record the audit's status and findings; each of ``new_items`` (description, deadline,
    owner) becomes a rectification item of the project's department."""
    entry = AuditEntry.objects.select_for_update().select_related("project").get(pk=entry.pk)
    require(can_manage_audit_list(by, entry.jurisdiction_id))
    check_version(entry, version, label="审计记录")
    if status not in AuditEntry.Status.values:
        raise WorkflowError("请选择审计状态")
    if status == AuditEntry.Status.EXEMPT and not (note or "").strip():
        raise WorkflowError("本年度不审计的，须填写说明")
    if status == AuditEntry.Status.DONE and not ((findings or "").strip() or new_items):
        raise WorkflowError("审计完成的，须填写审计发现（无问题的写明“未发现问题”）")
    before = entry.status
    entry.status, entry.findings, entry.note = status, (findings or "").strip(), note.strip()
    entry.updated_by, entry.updated_at = by, timezone.now()
    entry.version += 1
    entry.save()
    project = entry.project
    for index, (description, deadline, owner) in enumerate(new_items, start=1):
        if not description.strip() or not owner.strip() or deadline is None:
            raise WorkflowError(f"第{index}项审计问题须填写问题描述、整改期限和责任人")
        if deadline <= timezone.localdate():
            raise WorkflowError(f"第{index}项审计问题的整改期限须晚于今天")
        new_item(
            by=by,
            project=project,
            department=project.department,
            source=RectificationItem.Source.AUDIT,
            description=description.strip(),
            deadline=deadline,
            owner=owner.strip(),
            audit_entry=entry,
        )
    audit_record(
        by=by,
        subject=entry,
        project=project,
        action="audit_entry_update",
        action_label="记录审计情况",
        from_state=before,
        to_state=status,
        comment=entry.findings or entry.note,
        data={
            "version": entry.version,
            "changed": ["审计状态", "审计发现"],
            "items": len(new_items),
        },
    )
    return entry
