"""The tamper-evident audit log: append to per-jurisdiction hash chains, verify, checkpoint.

Each jurisdiction has its own chain, plus GLOBAL_CHAIN for events that belong to none (a failed
login of an unknown user), so audited writes in different jurisdictions never wait on one lock.
Hashes are HMAC-SHA256 under settings.AUDIT_HMAC_KEY, which is never stored in the database:
whoever can edit the tables cannot recompute a chain that verifies. A signed checkpoint, filed
outside the system, also catches a key holder who rewrites or cuts off the tail.
"""

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, Jurisdiction

GENESIS = "0" * 64
GLOBAL_CHAIN = "@global"  # not a valid jurisdiction code (a slug), so it cannot collide
CHECKPOINT_FIELDS = ("chain", "seq", "hash", "time")


def _canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _normalise(data: dict | None) -> dict:
    """Round-trip through JSON so the hashed form equals what the database returns."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _mac(purpose: str, fields: dict) -> str:
    """HMAC-SHA256 under the audit key; `purpose` keeps event hashes and signatures apart."""
    message = f"{purpose}\n{_canonical(fields)}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


def event_fields(event: AuditEvent) -> dict:
    """Everything an event's hash covers, its link to the previous event included."""
    return {
        "chain": event.chain,
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


def event_hash(event: AuditEvent) -> str:
    return _mac("event", event_fields(event))


def chain_for(*, jurisdiction=None, project=None, subject=None, by=None) -> str:
    """The chain an event belongs to: the first jurisdiction among the explicit one, the
    project's, the subject's and the actor's; the global chain when there is none."""
    if isinstance(jurisdiction, Jurisdiction):
        return jurisdiction.code
    jurisdiction_id = (
        jurisdiction
        or getattr(project, "jurisdiction_id", None)
        or getattr(subject, "jurisdiction_id", None)
        or getattr(by, "jurisdiction_id", None)
    )
    if not jurisdiction_id:
        return GLOBAL_CHAIN
    if jurisdiction_id not in _CHAIN_NAMES:
        _CHAIN_NAMES[jurisdiction_id] = Jurisdiction.objects.values_list("code", flat=True).get(
            pk=jurisdiction_id
        )
    return _CHAIN_NAMES[jurisdiction_id]


# Jurisdiction id -> code. Codes are natural keys (fixtures refer to them) and do not change,
# so each process looks one up once instead of once per audited write.
_CHAIN_NAMES: dict[int, str] = {}


def _locked_head(chain: str) -> AuditChainHead:
    """Lock the chain's head row, creating it on first use. Two first writers may both insert:
    the loser's insert fails on the primary key once the winner commits, and it locks theirs."""
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(chain=chain).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(chain=chain)
        except IntegrityError:
            pass
        head = heads.get(chain=chain)
    return head


def audit_record(
    *,
    by,
    action: str,
    action_label: str,
    subject=None,
    project=None,
    jurisdiction=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to its jurisdiction's chain. Call inside the transaction that made the
    change; the head row stays locked until that transaction ends."""
    actor = by if getattr(by, "is_authenticated", False) else None
    chain = chain_for(jurisdiction=jurisdiction, project=project, subject=subject, by=actor)
    with transaction.atomic():
        head = _locked_head(chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_name=str(actor) if actor else "系统",
            subject_type=subject._meta.model_name if subject is not None else "",
            subject_id=subject.pk if subject is not None else None,
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


def audit_record_many(*, by, jurisdiction, events: list[dict]) -> int:
    """Append many events of one jurisdiction's chain under one lock of its head (a bulk
    import): each dict holds ``audit_record``'s keywords except ``by`` and ``jurisdiction``.
    The chain is the same as appending them one by one."""
    actor = by if getattr(by, "is_authenticated", False) else None
    chain = chain_for(jurisdiction=jurisdiction, by=actor)
    with transaction.atomic():
        head = _locked_head(chain)
        seq, prev, now, rows = head.seq, head.hash or GENESIS, timezone.now(), []
        for fields in events:
            subject = fields.get("subject")
            project = fields.get("project")
            seq += 1
            event = AuditEvent(
                chain=chain,
                seq=seq,
                created_at=now,
                actor=actor,
                actor_name=str(actor) if actor else "系统",
                subject_type=subject._meta.model_name if subject is not None else "",
                subject_id=subject.pk if subject is not None else None,
                project_id=getattr(project, "pk", project),
                action=fields["action"],
                action_label=fields["action_label"],
                from_state=fields.get("from_state", ""),
                to_state=fields.get("to_state", ""),
                comment=fields.get("comment", ""),
                data=_normalise(fields.get("data")),
                prev_hash=prev,
            )
            event.hash = prev = event_hash(event)
            rows.append(event)
        AuditEvent.objects.bulk_create(rows, batch_size=1000)
        if rows:
            head.seq, head.hash = seq, prev
            head.save(update_fields=["seq", "hash"])
    return len(rows)


@dataclass
class ChainBreak:
    chain: str
    seq: int
    reason: str

    def __str__(self):
        return f"审计链 {self.chain} 在事件 #{self.seq} 处断裂：{self.reason}"


def audit_verify(batch_size: int = 5000) -> ChainBreak | None:
    """Verify every chain up to the head read first, so events appended while we walk are not
    mistaken for tampering. Returns the first broken link, or None when all chains hold."""
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    for chain in sorted(heads):
        broken = _verify_chain(heads[chain], batch_size)
        if broken:
            return broken
    orphans = AuditEvent.objects.exclude(chain__in=heads).values_list("chain", flat=True)
    for chain in sorted(set(orphans)):
        if not AuditChainHead.objects.filter(chain=chain).exists():  # else: created meanwhile
            return ChainBreak(chain, 1, "链头记录缺失（已被删除）")
    return None


def _verify_chain(head: AuditChainHead, batch_size: int) -> ChainBreak | None:
    chain, expected_seq, prev_hash = head.chain, 1, GENESIS
    events = AuditEvent.objects.filter(chain=chain, seq__lte=head.seq).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainBreak(chain, expected_seq, f"缺少序号 {expected_seq} 的事件（已被删除）")
        if event.prev_hash != prev_hash:
            return ChainBreak(chain, event.seq, "前序哈希与上一事件不符")
        if not hmac.compare_digest(event_hash(event), event.hash):
            return ChainBreak(chain, event.seq, "事件内容与哈希不符（已被篡改）")
        expected_seq, prev_hash = event.seq + 1, event.hash
    if expected_seq - 1 != head.seq or (head.hash or GENESIS) != prev_hash:
        reason = f"链头记录到序号 {head.seq}，末尾事件已被删除或篡改"
        return ChainBreak(chain, expected_seq, reason)
    return None


def audit_checkpoint() -> list[dict]:
    """Signed heads of every chain, for the operator to file outside the database."""
    now = timezone.now().astimezone(dt.UTC).isoformat()
    entries = [
        {"chain": head.chain, "seq": head.seq, "hash": head.hash or GENESIS, "time": now}
        for head in AuditChainHead.objects.order_by("chain")
    ]
    return [{**entry, "signature": _mac("checkpoint", entry)} for entry in entries]


def checkpoint_verify(entries: list[dict]) -> ChainBreak | None:
    """Each checkpointed event must still exist with the hash filed then. With audit_verify
    this proves the chain extends the checkpoint, even against a holder of the key."""
    for entry in entries:
        fields = {name: entry.get(name) for name in CHECKPOINT_FIELDS}
        chain, seq = fields["chain"], fields["seq"]
        if not hmac.compare_digest(_mac("checkpoint", fields), str(entry.get("signature"))):
            return ChainBreak(chain, seq, "检查点签名无效（检查点被改动或不是以本系统密钥签发）")
        if seq == 0:
            continue
        stored = AuditEvent.objects.filter(chain=chain, seq=seq).values_list("hash", flat=True)
        if not stored:
            return ChainBreak(chain, seq, "检查点记录的事件已不存在（链尾被截断）")
        if stored[0] != fields["hash"]:
            return ChainBreak(chain, seq, "事件哈希与检查点不符（此事件或更早的事件已被改写）")
    return None
