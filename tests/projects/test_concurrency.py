"""Concurrent transitions on one project (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from core.audit import audit_verify
from core.models import AuditEvent
from core.permissions import WorkflowError
from projects import services
from projects.models import Project
from review.services import review_accept
from tests.factories import Actors, project_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except WorkflowError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_return_and_accept_leave_exactly_one_transition(postgres_only):
    actors = Actors()
    project = project_in(actors, "submitted")
    outcomes = _race(
        lambda: services.project_return(project=project, by=actors.office, reason="补充"),
        lambda: review_accept(project=project, by=actors.office),
        lambda: services.project_withdraw(project=project, by=actors.officer),
    )
    assert outcomes.count("ok") == 1
    assert all("项目当前状态为" in o for o in outcomes if o != "ok")
    moves = AuditEvent.objects.filter(project=project, from_state="submitted")
    assert moves.count() == 1
    assert Project.objects.get(pk=project.pk).status == moves.get().to_state
    assert audit_verify() is None


def test_concurrent_double_submit_submits_once(postgres_only):
    actors = Actors()
    project = project_in(actors, "draft")
    services.project_confirm(project=project, by=actors.head)
    outcomes = _race(
        *[(lambda: services.project_submit(project=project, by=actors.officer)) for _ in range(4)]
    )
    assert outcomes.count("ok") == 1
    assert AuditEvent.objects.filter(project=project, action="submit").count() == 1
    assert audit_verify() is None
