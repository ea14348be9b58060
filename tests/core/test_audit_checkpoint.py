"""The signed checkpoint anchors the chains outside the database (issue 7, part 5)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.audit import audit_checkpoint, audit_record, audit_verify, checkpoint_verify
from core.models import AuditEvent
from tests.core.conftest import rewrite_tail, tamper

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkpoint_file(chain, tmp_path, capsys):
    call_command("audit_checkpoint")
    path = tmp_path / "checkpoint.jsonl"
    path.write_text(capsys.readouterr().out)
    return path


def test_checkpoint_prints_one_signed_line_per_chain(chain, checkpoint_file):
    (line,) = checkpoint_file.read_text().splitlines()
    entry = json.loads(line)
    assert set(entry) == {"chain", "seq", "hash", "time", "signature"}
    assert (entry["chain"], entry["seq"], entry["hash"]) == (chain[-1].chain, 6, chain[-1].hash)


def test_chain_that_grew_still_extends_its_checkpoint(chain, checkpoint_file, capsys):
    audit_record(
        by=None, jurisdiction=chain[-1].project.jurisdiction, action="n", action_label="记"
    )
    audit_record(by=None, action="login_failed", action_label="登录失败")  # a new chain
    call_command("verify_audit_log", checkpoint=str(checkpoint_file))
    assert "且延续检查点" in capsys.readouterr().out


def test_tail_rewritten_by_a_key_holder_passes_the_chain_but_not_the_checkpoint(
    chain, checkpoint_file
):
    rewrite_tail(AuditEvent.objects.get(pk=chain[2].pk), "伪造")
    assert audit_verify() is None  # consistent again: only the checkpoint can tell
    with pytest.raises(
        CommandError, match=f"审计链 {chain[0].chain} 在事件 #{chain[-1].seq} 处断裂.*改写"
    ):
        call_command("verify_audit_log", checkpoint=str(checkpoint_file))


def test_truncated_tail_with_its_head_rolled_back_is_caught_by_the_checkpoint(
    chain, checkpoint_file
):
    tamper("DELETE FROM core_auditevent WHERE id = %s", [chain[-1].pk])
    tamper(
        "UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE chain = %s",
        [chain[-2].seq, chain[-2].hash, chain[-2].chain],
    )
    assert audit_verify() is None
    broken = checkpoint_verify(_entries(checkpoint_file))
    assert broken.seq == chain[-1].seq and "截断" in broken.reason


def test_checkpoint_edited_to_match_a_forgery_fails_its_signature(chain, checkpoint_file):
    entry = _entries(checkpoint_file)[0]
    entry["seq"], entry["hash"] = chain[-2].seq, chain[-2].hash
    checkpoint_file.write_text(json.dumps(entry))
    with pytest.raises(CommandError, match="检查点签名无效"):
        call_command("verify_audit_log", checkpoint=str(checkpoint_file))


def test_unreadable_checkpoint_is_a_clear_error(chain, tmp_path):
    with pytest.raises(CommandError, match="无法读取检查点文件"):
        call_command("verify_audit_log", checkpoint=str(tmp_path / "missing.jsonl"))


def test_empty_database_checkpoints_and_verifies():
    assert audit_checkpoint() == [] and checkpoint_verify([]) is None


def test_check_deploy_refuses_production_without_an_audit_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "1",
        "DJANGO_SECRET_KEY": "x7$Kq!v9" * 8,
        "DJANGO_ALLOWED_HOSTS": "xm.example.gov.cn",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    for name in ("AUDIT_HMAC_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "core.E001" in result.stderr


def _entries(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
