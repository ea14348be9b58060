"""初验 records (office) and the department's R8 checklist: reports, archive documents and
the data-sharing fulfilment of each data resource."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.permissions import WorkflowError, require
from core.selectors import department_users
from core.services import notify
from projects.models import DataResource, Project

from ..models import ChecklistDocument, InitialAcceptance, SharingRecord
from ..permissions import can_prepare_acceptance, can_record_initial_acceptance
from ._files import stored

K = ChecklistDocument.Kind


def _check_date(day, label):
    if day is None:
        raise WorkflowError(f"请填写{label}")
    if day > timezone.localdate():
        raise WorkflowError(f"{label}不能晚于今天")
    if day < dt.date(2000, 1, 1):
        raise WorkflowError(f"{label}不在有效范围内")


@transaction.atomic
def initial_acceptance_record(
    *, project, held_on, participants, conclusion, upload, by, remarks=""
) -> InitialAcceptance:
    """The office records 初验 with the department: date, participants, conclusion, report."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can_record_initial_acceptance(by, project))
    _check_date(held_on, "初验日期")
    if conclusion not in InitialAcceptance.Conclusion.values:
        raise WorkflowError("请选择初验结论")
    if not (participants or "").strip():
        raise WorkflowError("请填写参加初验的单位及人员")
    if upload is None:
        raise WorkflowError("请上传初验报告")
    record = InitialAcceptance.objects.create(
        project=project,
        held_on=held_on,
        participants=participants.strip(),
        conclusion=conclusion,
        remarks=(remarks or "").strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
        **stored(upload),
    )
    audit_record(
        by=by,
        subject=record,
        project=project,
        action="initial_acceptance",
        action_label="登记初验",
        to_state=conclusion,
        comment=f"{held_on:%Y-%m-%d} {record.get_conclusion_display()}；{record.participants}",
        data={"sha256": record.sha256, "file": record.original_name},
    )
    notify(
        users=department_users(project),
        text=f"初验已登记（{record.get_conclusion_display()}）：{project.name}",
        url=f"/acceptance/projects/{project.pk}/",
    )
    return record


@transaction.atomic
def document_add(
    *, project, kind, upload, by, level=None, issuer="", issued_on=None, conclusion=""
) -> ChecklistDocument:
    """The department uploads one R8 document; reports carry their particulars."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can_prepare_acceptance(by, project))
    if kind not in K.values:
        raise WorkflowError("请选择材料类型")
    if upload is None:
        raise WorkflowError("请选择要上传的文件")
    fields = {}
    if kind in ChecklistDocument.REPORTS:
        if not (issuer or "").strip():
            raise WorkflowError("请填写测评（评估）机构")
        _check_date(issued_on, "报告日期")
        if conclusion not in ChecklistDocument.Conclusion.values:
            raise WorkflowError("请选择报告结论")
        if kind == K.MLPS and level not in (1, 2, 3, 4, 5):
            raise WorkflowError("请填写等保测评等级（1–5级）")
        fields = {
            "issuer": issuer.strip(),
            "issued_on": issued_on,
            "conclusion": conclusion,
            "level": level if kind == K.MLPS else None,
        }
    document = ChecklistDocument.objects.create(
        project=project,
        kind=kind,
        uploaded_by=by,
        uploaded_at=timezone.now(),
        **fields,
        **stored(upload),
    )
    audit_record(
        by=by,
        subject=document,
        project=project,
        action="acceptance_document",
        action_label="上传验收材料",
        comment=f"{document.get_kind_display()}：{document.original_name}",
        data={"sha256": document.sha256, **{k: v for k, v in fields.items() if v}},
    )
    return document


@transaction.atomic
def sharing_set(*, resource, status, by, platform_code="", justification="") -> SharingRecord:
    """Record how one data resource of the sharing list was fulfilled (004:79)."""
    project = Project.objects.select_for_update().get(pk=resource.project_id)
    resource = DataResource.objects.get(pk=resource.pk)
    require(can_prepare_acceptance(by, project))
    platform_code, justification = (platform_code or "").strip(), (justification or "").strip()
    if status == SharingRecord.Status.SHARED and not platform_code:
        raise WorkflowError(f"“{resource.name}”已共享的，请填写共享平台目录编码")
    if status == SharingRecord.Status.JUSTIFIED and not justification:
        raise WorkflowError(f"“{resource.name}”未共享的，须说明理由")
    if status not in SharingRecord.Status.values:
        raise WorkflowError("请选择共享情况")
    record, _ = SharingRecord.objects.update_or_create(
        resource=resource,
        defaults={
            "status": status,
            "platform_code": platform_code if status == SharingRecord.Status.SHARED else "",
            "justification": justification if status == SharingRecord.Status.JUSTIFIED else "",
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    audit_record(
        by=by,
        subject=record,
        project=project,
        action="sharing_record",
        action_label="登记数据共享落实情况",
        to_state=status,
        comment=f"{resource.name}：{platform_code or justification}",
    )
    return record
