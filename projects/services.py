"""Everything that changes a project: drafts, rules, attachments and transitions."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.concurrency import check_version
from core.models import Role
from core.permissions import WorkflowError, require
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from core.uploads import check_upload
from core.workflow import _fire

from . import permissions as can
from . import rules
from .models import Attachment, DataResource, Project, RuleJustification
from .workflow import LIFECYCLE as PROJECT
from .workflow import State

MONEY_FIELDS = [name for name, _ in Project.INVESTMENT_PARTS]
EDITABLE_FIELDS = [
    "name",
    "category",
    "channel",
    "adhoc_justification",
    "start_year",
    "end_year",
    "plan_item",
    "summary",
    *MONEY_FIELDS,
    "protection_level",
    "classified",
    "deployment",
    "own_room_reason",
    "own_room_interface",
    "network",
    *Project.RESTRICTED_FIELDS,
    "restricted_reason",
]


def _label(field):
    return str(Project._meta.get_field(field).verbose_name)


def _display(value):
    return "" if value is None else str(value)


@transaction.atomic
def project_save_draft(
    *, by, fields: dict, platforms, data_resources: list[dict], project=None, version=None
) -> Project:
    """Create or update a proposal; drafts may be incomplete. Audits money changes.

    An update passes the ``version`` its form was opened on; a stale one is refused.
    """
    if project is None:
        require(can.can_create_project(by))
        project = Project(
            department=by.organisation,
            jurisdiction=by.organisation.jurisdiction,
            created_by=by,
        )
        before = {}
    else:
        if version is None:
            raise TypeError("project_save_draft: version is required to update a draft")
        project = Project.objects.select_for_update().get(pk=project.pk)
        require(can.can_edit_project(by, project))
        check_version(project, version, label="草稿")
        project.version += 1
        before = {f: getattr(project, f) for f in EDITABLE_FIELDS}
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(project, name, fields[name])
    project.total_investment = project.compute_total()
    project.head_confirmed_by = project.head_confirmed_at = None
    created = project.pk is None
    project.save()
    if created:
        project.code = (
            f"{project.jurisdiction.code.upper()}-{timezone.localdate().year}-{project.pk:05d}"
        )
        project.save(update_fields=["code"])
    project.common_platforms.set(platforms)
    project.data_resources.all().delete()
    DataResource.objects.bulk_create(DataResource(project=project, **row) for row in data_resources)
    _audit_edit(project, by, before, created)
    for hook in rules.PROPOSAL_SAVED:
        hook(project, submitted=False)
    return project


def _audit_edit(project, by, before, created):
    if created:
        audit_record(
            by=by,
            subject=project,
            project=project,
            action="create",
            action_label="新建项目",
            to_state=project.status,
            data={"total_investment": project.total_investment, "version": project.version},
        )
        return
    changed = [f for f in EDITABLE_FIELDS if before[f] != getattr(project, f)]
    money = {
        _label(f): [_display(before[f]), _display(getattr(project, f))]
        for f in changed
        if f in MONEY_FIELDS
    }
    if money:
        money[_label("total_investment")] = [
            _display(sum(before[f] for f in MONEY_FIELDS)),
            _display(project.total_investment),
        ]
    audit_record(
        by=by,
        subject=project,
        project=project,
        action="update",
        action_label="修改投资估算" if money else "修改申报信息",
        data={
            "changed": [_label(f) for f in changed],
            "investment": money,
            "version": project.version,
        },
    )


@transaction.atomic
def justification_set(*, project, rule_id: str, text: str, by) -> None:
    """Record (or clear, with empty text) the written justification for a warning rule."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can.can_edit_project(by, project))
    known = {r.id: r for r in rules.RULES}
    if rule_id not in known or known[rule_id].kind != rules.WARNING:
        raise WorkflowError(f"规则“{rule_id}”不需要书面说明")
    text = text.strip()
    old = RuleJustification.objects.filter(project=project, rule_id=rule_id).first()
    if (old.text if old else "") == text:
        return
    if text:
        RuleJustification.objects.update_or_create(
            project=project, rule_id=rule_id, defaults={"text": text, "updated_by": by}
        )
    elif old:
        old.delete()
    audit_record(
        by=by,
        subject=project,
        project=project,
        action="justify",
        action_label=f"{rule_id} 书面说明",
        comment=text,
        data={"rule": rule_id, "old": old.text if old else ""},
    )


@transaction.atomic
def attachment_add(*, project, kind: str, upload, by) -> Attachment:
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can.can_edit_project(by, project))
    if kind not in Attachment.Kind.values:
        raise WorkflowError("请选择材料类型")
    storage_name, digest = check_upload(upload)
    original = upload.name
    upload.name = storage_name
    attachment = Attachment.objects.create(
        project=project,
        kind=kind,
        file=upload,
        original_name=original[:200],
        size=upload.size,
        sha256=digest,
        uploaded_by=by,
    )
    audit_record(
        by=by,
        subject=attachment,
        project=project,
        action="attach",
        action_label="上传附件",
        comment=f"{attachment.get_kind_display()}：{original}",
        data={"sha256": digest, "size": upload.size},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, by) -> None:
    project = Project.objects.select_for_update().get(pk=attachment.project_id)
    require(can.can_edit_project(by, project))
    audit_record(
        by=by,
        subject=attachment,
        project=project,
        action="detach",
        action_label="删除附件",
        comment=f"{attachment.get_kind_display()}：{attachment.original_name}",
        data={"sha256": attachment.sha256},
    )
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def project_confirm(*, project, by) -> Project:
    """Department head confirms the proposal (一把手确认) before submission."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can.can_confirm_project(by, project))
    if not project.is_editable_state:
        raise WorkflowError("只有草稿或退回修改的项目需要确认")
    project.head_confirmed_by, project.head_confirmed_at = by, timezone.now()
    project.save(update_fields=["head_confirmed_by", "head_confirmed_at"])
    audit_record(
        by=by, subject=project, project=project, action="confirm", action_label="单位负责人确认"
    )
    notify(
        users=department_users(project, Role.DEPT_OFFICER),
        text=f"单位负责人已确认，可以提交申报：{project.name}",
        url=f"/projects/{project.pk}/",
    )
    return project


@transaction.atomic
def project_receive(*, project, by) -> Project:
    """The office signs for a submission (签收); from then on it cannot be withdrawn."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can.can_precheck_project(by, project))
    if project.status != State.SUBMITTED or project.received_at:
        raise WorkflowError("只有已申报且未签收的项目可以签收")
    project.received_by, project.received_at = by, timezone.now()
    project.save(update_fields=["received_by", "received_at"])
    audit_record(
        by=by,
        subject=project,
        project=project,
        action="receive",
        action_label="签收（开始形式审查）",
    )
    return project


def project_submit(*, project, by) -> Project:
    def after(p):
        p.submitted_at = timezone.now()
        p.received_by = p.received_at = None
        if by.has_role(Role.DEPT_HEAD) and not p.head_confirmed_at:
            p.head_confirmed_by, p.head_confirmed_at = by, p.submitted_at

    with transaction.atomic():
        project = _fire(PROJECT, project, "submit", by=by, after=after)
        for hook in rules.PROPOSAL_SAVED:
            hook(project, submitted=True)
    notify(
        users=jurisdiction_users(project, Role.OFFICE),
        text=f"新的项目申报待形式审查：{project.name}",
        url=f"/projects/{project.pk}/",
    )
    return project


def project_withdraw(*, project, by) -> Project:
    return _fire(PROJECT, project, "withdraw", by=by)


def project_return(*, project, by, reason: str) -> Project:
    project = _fire(PROJECT, project, "return_", by=by, comment=reason)
    notify(
        users=department_users(project, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"项目被退回修改：{project.name}",
        url=f"/projects/{project.pk}/",
    )
    return project


def project_suspend(*, project, by, reason: str) -> Project:
    project = _fire(PROJECT, project, "suspend", by=by, comment=reason)
    notify(
        users=department_users(project, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"项目已暂停：{project.name}",
        url=f"/projects/{project.pk}/",
    )
    return project


def project_resume(*, project, by, comment: str = "") -> Project:
    return _fire(
        PROJECT,
        project,
        "resume",
        by=by,
        comment=comment,
        after=_clear_suspension,
    )


def _clear_suspension(project):
    project.suspended_from, project.suspended_at = "", None


# What terminating a project does besides the transition, registered by higher apps from their
# ready() (budget: close unpaid disbursements, release the unpaid remainder of the budget
# lines). Each runs as ``effect(project, by=..., reason=...)`` inside the termination's
# transaction, on the locked, terminated project.
TERMINATION_EFFECTS = []


def termination_effect(effect):
    TERMINATION_EFFECTS.append(effect)
    return effect


def project_terminate(*, project, by, reason: str) -> Project:
    with transaction.atomic():
        project = _fire(PROJECT, project, "terminate", by=by, comment=reason)
        for effect in TERMINATION_EFFECTS:
            effect(project, by=by, reason=reason.strip())
    notify(
        users=department_users(project, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"项目已终止：{project.name}",
        url=f"/projects/{project.pk}/",
    )
    return project


# Acceptance (request_acceptance, accept, require_rectification) is fired by the acceptance
# app's services. Post-evaluation: the bare transitions until its issue gives them a review.


def project_start_evaluation(*, project, by, comment: str = "") -> Project:
    return _fire(PROJECT, project, "start_evaluation", by=by, comment=comment)


def project_complete_evaluation(*, project, by, comment: str = "") -> Project:
    return _fire(PROJECT, project, "complete_evaluation", by=by, comment=comment)


# The project page's buttons map to these services (one per transition kind), each called as
# ``service(project, by, comment)``. Transitions another app owns (review: accept_for_review)
# are added with ``register_action_service`` from that app's ``ready()``.
ACTION_SERVICES = {
    "submit": lambda project, by, comment: project_submit(project=project, by=by),
    "withdraw": lambda project, by, comment: project_withdraw(project=project, by=by),
    "return_": lambda project, by, comment: project_return(project=project, by=by, reason=comment),
    "suspend": lambda project, by, comment: project_suspend(project=project, by=by, reason=comment),
    "resume": lambda project, by, comment: project_resume(project=project, by=by, comment=comment),
    "terminate": lambda project, by, comment: project_terminate(
        project=project, by=by, reason=comment
    ),
}


def register_action_service(action, service):
    """Map the project page's button for ``action`` to a higher app's service."""
    if action in ACTION_SERVICES:
        raise ValueError(f"a service for {action!r} is already registered")
    ACTION_SERVICES[action] = service
