"""The audit chain under PostgreSQL: the database's own refusal, concurrency, no false alarms."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connection, transaction

from core.audit import audit_record, audit_verify
from core.models import AuditChainHead, AuditEvent
from tests.factories import JurisdictionFactory

pytestmark = pytest.mark.postgres


def _append(jurisdiction, n=1):
    for _ in range(n):
        audit_record(by=None, jurisdiction=jurisdiction, action="note", action_label="记录")


def _threads(target, args_list):
    threads = [threading.Thread(target=target, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql", ["UPDATE core_auditevent SET comment = '伪造'", "DELETE FROM core_auditevent"]
)
def test_database_refuses_update_and_delete_of_audit_events(postgres_only, sql):
    _append(JurisdictionFactory(), 3)
    with pytest.raises(DatabaseError, match="审计事件只能追加"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(comment="").count() == 3 and audit_verify() is None


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_audit_table(postgres_only):
    """`seed_demo --reset` and pytest's teardown flush with TRUNCATE, which the trigger allows."""
    _append(JurisdictionFactory(), 2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists() and not AuditChainHead.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_verify_raises_no_false_alarm_while_another_thread_appends(postgres_only):
    jurisdiction = JurisdictionFactory()
    _append(jurisdiction, 300)
    stop, appended = threading.Event(), []

    def writer():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    _append(jurisdiction)
                appended.append(1)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = [audit_verify(batch_size=50) for _ in range(15)]
    finally:
        stop.set()
        thread.join(30)
    assert len(appended) > 15, "the writer must have appended during the verifications"
    assert results == [None] * 15
    assert audit_verify() is None


@pytest.mark.django_db(transaction=True)
def test_first_writers_of_a_new_chain_race_to_create_its_head(postgres_only):
    jurisdiction, writers = JurisdictionFactory(), 12
    barrier, errors = threading.Barrier(writers), []

    def first_write():
        try:
            barrier.wait()
            with transaction.atomic():
                _append(jurisdiction)
        except Exception as error:  # recorded, so a loser cannot silently drop out
            errors.append(repr(error))
        finally:
            connection.close()

    _threads(first_write, [()] * writers)
    assert errors == []
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, writers + 1)) and audit_verify() is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_jurisdiction", [False, True])
def test_a_writer_holding_its_chain_blocks_only_its_own_jurisdiction(
    postgres_only, same_jurisdiction
):
    """One transaction appends and stays open; another appends with a 1 s lock timeout."""
    mine = JurisdictionFactory()
    other = mine if same_jurisdiction else JurisdictionFactory(code="hz", name="海州区")
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                _append(mine)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    started = time.monotonic()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            _append(other)
        outcome = "appended"
    except OperationalError as error:
        outcome = "waited" if "lock timeout" in str(error) else repr(error)
    finally:
        release.set()
        thread.join(10)
    assert outcome == ("waited" if same_jurisdiction else "appended")
    if not same_jurisdiction:
        assert time.monotonic() - started < 1
    assert audit_verify() is None
