import hashlib

import pytest
from django.core.management import CommandError, call_command

from core.audit import (
    GLOBAL_CHAIN,
    _canonical,
    audit_record,
    audit_verify,
    event_fields,
    event_hash,
)
from core.models import AuditChainHead, AuditEvent
from tests.core.conftest import rewrite_tail, tamper
from tests.factories import (
    Actors,
    JurisdictionFactory,
    OrganisationFactory,
    UserFactory,
    draft_project,
)

pytestmark = pytest.mark.django_db


def test_intact_chain_verifies_and_command_exits_zero(chain, capsys):
    assert len(chain) == 6  # the annual round (round_create), then the project's five
    assert {e.chain for e in chain} == {chain[-1].project.jurisdiction.code}
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
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


def test_altered_comment_is_detected_and_named_with_its_chain(chain):
    victim = chain[3]
    tamper("UPDATE core_auditevent SET comment = %s WHERE id = %s", ["伪造", victim.pk])
    broken = audit_verify()
    assert (broken.chain, broken.seq) == (victim.chain, victim.seq)
    assert "篡改" in broken.reason
    with pytest.raises(CommandError, match=f"审计链 {victim.chain} 在事件 #{victim.seq} 处断裂"):
        call_command("verify_audit_log")


def test_altered_state_in_the_middle_is_detected(chain):
    victim = chain[-2]
    tamper("UPDATE core_auditevent SET to_state = %s WHERE id = %s", ["approved", victim.pk])
    assert audit_verify().seq == victim.seq


def test_removed_event_in_the_middle_is_detected(chain):
    victim = chain[2]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    broken = audit_verify()
    assert broken.seq == victim.seq and "删除" in broken.reason


def test_removed_last_event_is_detected_through_the_chain_head(chain):
    tamper("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].pk])
    assert audit_verify().seq == chain[-1].seq


def test_removed_chain_head_is_detected(chain):
    tamper("DELETE FROM core_auditchainhead WHERE chain = %s", [chain[0].chain])
    assert "链头记录缺失" in audit_verify().reason


def test_recomputed_hash_still_breaks_the_link_to_the_next_event(chain):
    victim = AuditEvent.objects.get(pk=chain[1].pk)
    victim.comment = "伪造"
    tamper(
        "UPDATE core_auditevent SET comment = %s, hash = %s WHERE id = %s",
        ["伪造", event_hash(victim), victim.pk],
    )
    assert audit_verify().seq == chain[2].seq


def test_tail_recomputed_without_the_key_is_detected(chain):
    """Plain SHA-256 over the same fields, re-linked to the end: the HMAC exposes it."""

    def unkeyed(event):
        return hashlib.sha256(_canonical(event_fields(event)).encode()).hexdigest()

    rewrite_tail(chain[1], "伪造", hasher=unkeyed)
    broken = audit_verify()
    assert (broken.seq, "篡改" in broken.reason) == (chain[1].seq, True)


def test_hashes_are_keyed(chain, settings):
    settings.AUDIT_HMAC_KEY = "another-key-another-key-another-key"
    assert audit_verify().seq == 1


def test_each_jurisdiction_has_its_own_chain_numbered_from_one():
    first, second = Actors(), Actors(JurisdictionFactory(code="hz", name="海州区"))
    for actors in (first, second, first):
        audit_record(by=actors.office, subject=actors.office, action="note", action_label="记录")
    notes = AuditEvent.objects.filter(action="note").order_by("id")
    j1, j2 = first.jurisdiction.code, second.jurisdiction.code
    # Setting up each jurisdiction (its annual round) writes events of its own first.
    before = {
        j: AuditEvent.objects.filter(chain=j).exclude(action="note").count() for j in (j1, j2)
    }
    assert list(notes.values_list("chain", "seq")) == [
        (j1, before[j1] + 1),
        (j2, before[j2] + 1),
        (j1, before[j1] + 2),
    ]
    heads = dict(AuditChainHead.objects.values_list("chain", "seq"))
    assert heads == {j1: before[j1] + 2, j2: before[j2] + 1}
    assert audit_verify() is None


def test_chain_follows_project_then_subject_then_actor_then_global():
    actors = Actors()
    elsewhere = OrganisationFactory(jurisdiction=JurisdictionFactory(code="hz", name="海州区"))
    outsider = UserFactory(organisation=elsewhere)
    project = draft_project(actors, complete=False)
    home, away = actors.jurisdiction.code, elsewhere.jurisdiction.code

    def chain_of(**kwargs):
        return audit_record(action="note", action_label="记录", **kwargs).chain

    assert chain_of(by=outsider, subject=project, project=project) == home
    assert chain_of(by=outsider, subject=actors.officer) == home
    assert chain_of(by=outsider) == away
    assert chain_of(by=outsider, jurisdiction=actors.jurisdiction) == home
    assert chain_of(by=None) == GLOBAL_CHAIN
    assert audit_verify() is None


def test_event_without_subject_or_actor_goes_to_the_global_chain():
    event = audit_record(
        by=None, action="login_failed", action_label="登录失败", data={"username": "nobody"}
    )
    assert (event.chain, event.seq, event.subject_type, event.subject_id) == (
        GLOBAL_CHAIN,
        1,
        "",
        None,
    )
    assert event.actor_name == "系统" and audit_verify() is None
