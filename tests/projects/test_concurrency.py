"""Concurrent transitions on one project (PostgreSQL row locks).

Every thread's outcome is kept: exactly one call wins and every other one is refused with the
state message. Without the project row lock in ``core.workflow._fire`` the losers fail with
django-fsm's ConcurrentTransition (or both moves land), and these tests fail.
"""

import pytest

from core.audit import audit_verify
from core.models import AuditEvent
from projects import services
from projects.models import Project
from projects.workflow import State
from review.services import review_accept
from tests.concurrency import exactly_one_ok, race
from tests.factories import Actors, project_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

LABELS = {"returned": "退回修改", "in_review": State.IN_REVIEW.label, "draft": "草稿"}


def test_concurrent_return_accept_and_withdraw_leave_exactly_one_transition(postgres_only):
    actors = Actors()
    project = project_in(actors, "submitted")
    outcomes = race(
        lambda: services.project_return(project=project, by=actors.office, reason="补充"),
        lambda: review_accept(project=project, by=actors.office),
        lambda: services.project_withdraw(project=project, by=actors.officer),
    )
    winner = exactly_one_ok(
        outcomes,
        r"^项目当前状态为“(退回修改|联审中|草稿)”，不能(退回修改|受理并进入联审|撤回)$",
    )
    moved_to = winner.value.status
    assert all(f"“{LABELS[moved_to]}”" in o.text for o in outcomes if o.kind == "refused")
    moves = AuditEvent.objects.filter(project=project, from_state="submitted")
    assert list(moves.values_list("to_state", flat=True)) == [moved_to]
    assert Project.objects.get(pk=project.pk).status == moved_to
    assert project.reviews.count() == (1 if moved_to == "in_review" else 0)
    assert audit_verify() is None


def test_concurrent_double_submit_submits_once(postgres_only):
    actors = Actors()
    project = project_in(actors, "draft")
    services.project_confirm(project=project, by=actors.head)
    outcomes = race(
        *[(lambda: services.project_submit(project=project, by=actors.officer)) for _ in range(4)]
    )
    exactly_one_ok(outcomes, r"^项目当前状态为“已申报”，不能提交申报$")
    assert AuditEvent.objects.filter(project=project, action="submit").count() == 1
    assert Project.objects.get(pk=project.pk).status == "submitted"
    assert audit_verify() is None


def test_office_and_leader_suspending_at_once_suspend_once(postgres_only):
    actors = Actors()
    project = project_in(actors, "in_review")
    outcomes = race(
        lambda: services.project_suspend(project=project, by=actors.office, reason="统筹论证"),
        lambda: services.project_suspend(project=project, by=actors.leader, reason="暂缓实施"),
    )
    exactly_one_ok(outcomes, r"^项目当前状态为“已暂停”，不能暂停$")
    project.refresh_from_db()
    assert (project.status, project.suspended_from) == ("suspended", "in_review")
    assert AuditEvent.objects.filter(project=project, action="suspend").count() == 1
