import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.audit import audit_verify
from core.models import AuditEvent
from tests.factories import Actors, project_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    actors = Actors()
    project_in(actors, "returned")
    return list(AuditEvent.objects.order_by("seq"))


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_chain_verifies_and_command_exits_zero(chain, capsys):
    assert len(chain) == 6  # the annual round (round_create), then the project's five
    assert audit_verify() is None
    call_command("verify_audit_log")
    assert "审计链完整" in capsys.readouterr().out


def test_events_are_append_only_in_the_application(chain):
    event = chain[0]
    event.comment = "改写"
    with pytest.raises(RuntimeError, match="只能追加"):
        event.save()
    with pytest.raises(RuntimeError, match="不能删除"):
        event.delete()


def test_altered_comment_is_detected_and_named(chain):
    victim = chain[3]
    _raw("UPDATE core_auditevent SET comment = %s WHERE id = %s", ["伪造", victim.pk])
    broken = audit_verify()
    assert broken.seq == victim.seq and "篡改" in broken.reason
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("verify_audit_log")


def test_altered_state_in_the_middle_is_detected(chain):
    victim = chain[-2]
    _raw("UPDATE core_auditevent SET to_state = %s WHERE id = %s", ["approved", victim.pk])
    assert audit_verify().seq == victim.seq


def test_removed_event_in_the_middle_is_detected(chain):
    victim = chain[2]
    _raw("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    broken = audit_verify()
    assert broken.seq == victim.seq and "删除" in broken.reason


def test_removed_last_event_is_detected_through_the_chain_head(chain):
    _raw("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].pk])
    assert audit_verify().seq == chain[-1].seq


def test_recomputed_hash_still_breaks_the_link_to_the_next_event(chain):
    from core.audit import event_hash

    victim = AuditEvent.objects.get(pk=chain[1].pk)
    victim.comment = "伪造"
    new_hash = event_hash(victim)
    _raw(
        "UPDATE core_auditevent SET comment = %s, hash = %s WHERE id = %s",
        ["伪造", new_hash, victim.pk],
    )
    assert audit_verify().seq == chain[2].seq
