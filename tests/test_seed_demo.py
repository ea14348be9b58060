import pytest
from django.core.management import call_command

from core.audit import audit_verify
from core.models import User
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_every_reachable_state_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo@2026" in out and "office" in out
    projects = Project.objects.filter(jurisdiction__code="xt")
    assert 55 <= projects.count() <= 70
    states = set(projects.values_list("status", flat=True))
    assert {"draft", "submitted", "returned", "in_review", "suspended", "terminated"} <= states
    assert projects.values("department").distinct().count() >= 6
    assert audit_verify() is None
    count, users = projects.count(), User.objects.count()
    call_command("seed_demo")
    assert Project.objects.count() == count and User.objects.count() == users
    user = User.objects.get(username="dsj")
    assert user.check_password("Demo@2026") and user.has_role("dept_officer")
