"""The rectification register (问题整改): items from acceptance, audit, inspections or entered
by the office; the department responds with evidence; the office closes or sends back."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.concurrency import check_version
from core.models import Organisation, Role, User
from core.permissions import WorkflowError, require
from core.selectors import organisation_users
from core.services import notify
from core.uploads import check_upload
from core.workflow import _fire

from ..models import RectificationItem
from ..permissions import can_enter_item
from ..workflow import ITEM_LIFECYCLE

Source = RectificationItem.Source


def _url(item):
    return f"/acceptance/register/{item.pk}/"


def new_item(
    *, by, department, source, description, deadline, owner, project=None, **links
) -> RectificationItem:
    """Create one item inside the caller's transaction (acceptance, audit or the office)."""
    item = RectificationItem.objects.create(
        jurisdiction_id=department.jurisdiction_id,
        department=department,
        project=project,
        source=source,
        description=description,
        deadline=deadline,
        owner=owner,
        created_by=by,
        created_at=timezone.now(),
        **links,
    )
    audit_record(
        by=by,
        subject=item,
        project=project,
        jurisdiction=department.jurisdiction,
        action="rectification_create",
        action_label=f"登记整改事项（{item.get_source_display()}）",
        to_state=item.status,
        comment=description,
        data={"deadline": deadline, "owner": owner, "department": department.name},
    )
    notify(
        users=organisation_users(department.pk, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"新的整改事项，期限 {deadline:%Y-%m-%d}：{description[:40]}",
        url=_url(item),
    )
    return item


def item_create(
    *, jurisdiction, department, source, description, deadline, owner, by, project=None
) -> RectificationItem:
    """The office enters an item (an inspection's finding, or its own)."""
    require(can_enter_item(by, jurisdiction.pk))
    if source not in (Source.INSPECTION, Source.OFFICE):
        raise WorkflowError("验收和审计发现的问题由验收结论和审计记录生成，请选择督查检查或交办")
    if department.jurisdiction_id != jurisdiction.pk or department.kind != "department":
        raise WorkflowError("请选择本辖区的责任单位")
    if project is not None and project.department_id != department.pk:
        raise WorkflowError("所选项目不属于该责任单位")
    if not (description or "").strip() or not (owner or "").strip():
        raise WorkflowError("请填写问题描述和整改责任人")
    if deadline is None or deadline <= timezone.localdate():
        raise WorkflowError("整改期限须晚于今天")
    with transaction.atomic():
        return new_item(
            by=by,
            department=Organisation.objects.get(pk=department.pk),
            source=source,
            description=description.strip(),
            deadline=deadline,
            owner=owner.strip(),
            project=project,
        )


def item_respond(*, item, response, by, version, evidence=None) -> RectificationItem:
    """The department reports what it fixed, with evidence (a checked upload)."""
    stored = check_upload(evidence) if evidence is not None else None

    def after(locked):
        check_version(locked, version, label="整改事项")
        locked.version += 1
        locked.response, locked.responded_at = response.strip(), timezone.now()
        if stored:
            original = evidence.name
            evidence.name = stored[0]
            locked.evidence, locked.evidence_name = evidence, original[:200]
            locked.evidence_sha256 = stored[1]

    item = _fire(
        ITEM_LIFECYCLE,
        item,
        "respond",
        by=by,
        comment=response,
        context={"response": response},
        after=after,
    )
    _notify_office(item, f"整改情况待销号：{item.description[:40]}")
    return item


def item_close(*, item, by, comment="") -> RectificationItem:
    def after(locked):
        locked.closed_at, locked.closed_by = timezone.now(), by

    item = _fire(ITEM_LIFECYCLE, item, "close", by=by, comment=comment, after=after)
    _notify_department(item, f"整改事项已销号：{item.description[:40]}")
    return item


def item_send_back(*, item, by, reason) -> RectificationItem:
    item = _fire(ITEM_LIFECYCLE, item, "send_back", by=by, comment=reason)
    _notify_department(item, f"整改情况被退回，请继续整改：{item.description[:40]}")
    return item


def _notify_office(item, text):
    users = User.objects.filter(
        organisation__jurisdiction_id=item.jurisdiction_id, roles__code=Role.OFFICE, is_active=True
    ).distinct()
    notify(users=users, text=text, url=_url(item))


def _notify_department(item, text):
    users = organisation_users(item.department_id, Role.DEPT_OFFICER, Role.DEPT_HEAD)
    notify(users=users, text=text, url=_url(item))
