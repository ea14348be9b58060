"""The tamper-evident audit log: append events, verify the hash chain."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _normalise(data: dict) -> dict:
    """Round-trip through JSON so the hashed form equals what the database returns."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def event_hash(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "project_id": event.project_id,
        "action": event.action,
        "action_label": event.action_label,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def audit_record(
    *,
    by,
    subject,
    action: str,
    action_label: str,
    project=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that made the change."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=by,
            actor_name=str(by) if by else "系统",
            subject_type=subject._meta.model_name,
            subject_id=subject.pk,
            project=project,
            action=action,
            action_label=action_label,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            data=_normalise(data),
            prev_hash=head.hash or GENESIS,
        )
        event.hash = event_hash(event)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class ChainBreak:
    seq: int
    reason: str


def audit_verify(batch_size: int = 5000) -> ChainBreak | None:
    """Walk the chain in order; return the first broken link, or None when intact."""
    expected_seq, prev_hash = 1, GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"缺少序号 {expected_seq} 的事件（已被删除）")
        if event.prev_hash != prev_hash:
            return ChainBreak(event.seq, "前序哈希与上一事件不符")
        if event_hash(event) != event.hash:
            return ChainBreak(event.seq, "事件内容与哈希不符（已被篡改）")
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head and (head.seq != last_seq or (head.hash or GENESIS) != prev_hash):
        return ChainBreak(last_seq + 1, f"链头记录到序号 {head.seq}，末尾事件已被删除或篡改")
    return None
