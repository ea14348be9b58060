import pytest
from django.db import connection

from core.audit import event_hash
from core.models import AuditEvent


def tamper(sql, params=()):
    """Raw SQL as someone with full database access. On PostgreSQL a superuser can switch the
    append-only trigger off, so the chain must catch what the trigger no longer stops."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if postgres:
            cursor.execute("SET session_replication_role = DEFAULT")


def rewrite_tail(victim, comment, hasher=event_hash):
    """Edit one event, then recompute and re-link every later event of its chain and the head,
    as an attacker would to hide the edit."""
    prev_hash = victim.prev_hash
    later = AuditEvent.objects.filter(chain=victim.chain, seq__gte=victim.seq).order_by("seq")
    for event in later:
        if event.pk == victim.pk:
            event.comment = comment
        event.prev_hash = prev_hash
        event.hash = prev_hash = hasher(event)
        tamper(
            "UPDATE core_auditevent SET comment = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.comment, event.prev_hash, event.hash, event.pk],
        )
    tamper("UPDATE core_auditchainhead SET hash = %s WHERE chain = %s", [prev_hash, victim.chain])


@pytest.fixture
def chain():
    """The events of the annual round and one project brought to `returned`, all on the
    jurisdiction's chain."""
    from tests.factories import Actors, project_in

    project_in(Actors(), "returned")
    return list(AuditEvent.objects.order_by("seq"))
