"""One audit chain per jurisdiction, with keyed (HMAC) hashes.

Existing events are first checked against the old unkeyed chain (the migration stops if it is
broken, so tampering is never laundered), then renumbered into their jurisdiction's chain and
re-hashed under AUDIT_HMAC_KEY.
"""

import hashlib
import json
import datetime as dt
from collections import defaultdict

from django.db import migrations, models

GENESIS = "0" * 64
GLOBAL_CHAIN = "@global"
HASHED = [
    "seq", "actor_id", "actor_name", "subject_type", "subject_id", "project_id", "action",
    "action_label", "from_state", "to_state", "comment", "data", "prev_hash",
]


def _old_hash(event):
    fields = {name: getattr(event, name) for name in HASHED}
    fields["created_at"] = event.created_at.astimezone(dt.UTC).isoformat()
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _chain(event):
    if event.project_id:
        return event.project.jurisdiction.code
    if event.actor_id and event.actor.organisation_id:
        return event.actor.organisation.jurisdiction.code
    return GLOBAL_CHAIN


def rechain(apps, schema_editor):
    from core.audit import event_hash  # the hash the verifier uses from now on

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    events = list(
        AuditEvent.objects.select_related(
            "project__jurisdiction", "actor__organisation__jurisdiction"
        ).order_by("seq")
    )
    prev = GENESIS
    for expected, event in enumerate(events, start=1):
        if event.seq != expected or event.prev_hash != prev or _old_hash(event) != event.hash:
            raise RuntimeError(f"审计链在事件 #{expected} 处断裂，拒绝迁移；请先核查")
        prev = event.hash
    heads = defaultdict(lambda: (0, GENESIS))
    for event in events:
        event.chain = _chain(event)
        seq, prev_hash = heads[event.chain]
        event.seq, event.prev_hash = seq + 1, prev_hash
        event.hash = event_hash(event)
        heads[event.chain] = (event.seq, event.hash)
    AuditEvent.objects.bulk_update(events, ["chain", "seq", "prev_hash", "hash"], batch_size=1000)
    AuditChainHead.objects.bulk_create(
        AuditChainHead(chain=chain, seq=seq, hash=hash_) for chain, (seq, hash_) in heads.items()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("chain", models.CharField(max_length=32, primary_key=True, serialize=False, verbose_name="审计链")),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default="", max_length=64)),
            ],
            options={"verbose_name": "审计链头", "verbose_name_plural": "审计链头"},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default=GLOBAL_CHAIN, max_length=32, verbose_name="审计链"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="序号"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="subject_type",
            field=models.CharField(blank=True, max_length=32, verbose_name="对象类型"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="对象编号"),
        ),
        migrations.RemoveIndex(model_name="auditevent", name="core_audite_project_02f154_idx"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["project", "created_at"], name="auditevent_project_time_idx"),
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["created_at", "id"], "verbose_name": "审计事件", "verbose_name_plural": "审计事件"},
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="auditevent_chain_seq_unique"),
        ),
    ]
