"""Reminders respect the interval and escalate to the head after N days late; Celery beat
runs the schedules on a real worker when the local Redis is there."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from core.models import Notification
from kpi.models import DispatchConfig, ProgressReturn, Reminder
from kpi.reminders import reminders_send

from .conftest import FILLED, at

pytestmark = pytest.mark.django_db(transaction=False)


def _run(when):
    with time_machine.travel(when, tick=False), pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            return reminders_send()


def test_nothing_before_the_due_day_then_officers_then_the_head(dispatch):
    DispatchConfig.objects.create(
        jurisdiction=dispatch.jurisdiction, reminder_interval_hours=24, escalate_after_days=3
    )
    assert _run(at(2026, 4, 10, 9)) == {"remind": 0, "escalate": 0}
    assert _run(at(2026, 4, 11, 9)) == {"remind": 1, "escalate": 0}
    assert [m.to for m in mail.outbox] == [["officer@example.gov.cn"]]
    assert "尚有 2 份未报送" in mail.outbox[0].body and "已逾期 1 天" in mail.outbox[0].body
    assert _run(at(2026, 4, 11, 20)) == {"remind": 0, "escalate": 0}  # within the interval
    assert _run(at(2026, 4, 13, 9)) == {"remind": 1, "escalate": 1}  # 3 days late: the head too
    assert mail.outbox[-1].to == ["head@example.gov.cn"] and "一把手" in mail.outbox[-1].subject
    assert Notification.objects.filter(recipient=dispatch.head).count() == 1
    assert Reminder.objects.count() == 3


def test_filed_returns_are_not_reminded(dispatch):
    from kpi import services

    with time_machine.travel(at(2026, 4, 9), tick=False):
        for ret in ProgressReturn.objects.all():
            services.return_save(ret=ret, by=dispatch.officer, data=FILLED)
            services.return_submit(ret=ret, by=dispatch.officer)
    assert _run(at(2026, 4, 15, 9)) == {"remind": 0, "escalate": 0}


def test_the_command_reports_what_it_sent(dispatch, capsys):
    with time_machine.travel(at(2026, 4, 12, 9), tick=False):
        call_command("send_reminders")
    assert "已提醒经办人 1 人次" in capsys.readouterr().out


def test_the_beat_schedule_names_registered_tasks():
    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def _redis_up():
    try:
        import redis

        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_schedules_tasks(tmp_path):
    """Starts `celery worker` against the local Redis and a migrated SQLite file, sends the
    two scheduled tasks and waits for their results."""
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    root = Path(settings.BASE_DIR)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/14",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "loaddata", "roles", "organisations", "-v0"],
        cwd=root,
        env=env,
        check=True,
    )
    celery = shutil.which("celery", path=str(Path(sys.executable).parent))
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-l",
            "WARNING",
            "-n",
            f"kpi-test-{os.getpid()}@%h",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        script = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); django.setup();"
            "from kpi.tasks import open_reporting_periods, send_reminders;"
            "print(open_reporting_periods.delay().get(timeout=60)); print(send_reminders.delay().get(timeout=60))"
        )
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        lines = result.stdout.strip().splitlines()
        assert "xt:" in lines[-2] and "new" in lines[-2], lines
        assert lines[-1] == "{'remind': 0, 'escalate': 0}"
        assert time.monotonic() - started < 120
    finally:
        worker.terminate()
        worker.wait(timeout=30)
