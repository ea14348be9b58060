"""Backup and restore as the README describes: checkpoint, pg_dump plus uploaded files, restore
into an empty database, verify against the checkpoint there."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.audit import audit_record
from projects.models import Attachment
from tests.factories import Actors, project_in

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def _pg_args(db):
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def _conninfo(db, name):
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def restored_name():
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    subprocess.run(["dropdb", *_pg_args(db), "--if-exists", name], check=True)
    yield name
    subprocess.run(["dropdb", *_pg_args(db), "--if-exists", name], check=True)


def _verify(restored_url, media, checkpoint):
    env = {
        **os.environ,
        "DATABASE_URL": restored_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "AUDIT_HMAC_KEY": settings.AUDIT_HMAC_KEY,
    }
    command = [sys.executable, "manage.py", "verify_audit_log", "--checkpoint", str(checkpoint)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.django_db(transaction=True)
def test_restored_backup_verifies_against_the_checkpoint_and_tampering_fails(
    postgres_only, tmp_path, restored_name, capsys
):
    db = connection.settings_dict
    project = project_in(Actors(), "returned")
    audit_record(by=None, action="login_failed", action_label="登录失败")
    files = dict(Attachment.objects.values_list("file", "sha256"))
    assert files, "the backup must include uploaded files"

    call_command("audit_checkpoint")
    checkpoint = tmp_path / "checkpoint.jsonl"
    checkpoint.write_text(capsys.readouterr().out)
    dump = tmp_path / "zhengwu.dump"
    subprocess.run(["pg_dump", *_pg_args(db), "-Fc", "-f", dump, db["NAME"]], check=True)
    shutil.copytree(settings.MEDIA_ROOT, tmp_path / "media-backup")

    subprocess.run(["createdb", *_pg_args(db), restored_name], check=True)
    restore = ["pg_restore", *_pg_args(db), "--no-owner", "-d", restored_name, dump]
    subprocess.run(restore, check=True)
    media = shutil.copytree(tmp_path / "media-backup", tmp_path / "media-restored")
    restored = _conninfo(db, restored_name)

    result = _verify(restored, media, checkpoint)
    assert result.returncode == 0, result.stderr
    assert "且延续检查点" in result.stdout
    for name, digest in files.items():
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == digest

    with psycopg.connect(restored, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # past the trigger, as a superuser
        last = "SELECT max(id) FROM core_auditevent WHERE project_id = %s"
        conn.execute(
            f"UPDATE core_auditevent SET comment = '伪造' WHERE id = ({last})", [project.pk]
        )
    result = _verify(restored, media, checkpoint)
    assert result.returncode != 0
    assert f"审计链 {project.jurisdiction.code} 在事件" in result.stderr
