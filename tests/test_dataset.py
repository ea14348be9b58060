"""The dataset generator at demo scale: every state, the invariants hold, and the check catches a
broken row of each kind. The benchmark runs on it and writes JSON with floors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from budget.models import BudgetLine, Disbursement
from core.audit import audit_verify
from core.datasets import SCALES, dataset_checks
from core.models import AuditChainHead, AuditEvent, Organisation
from projects.models import Project
from projects.workflow import State
from review.models import AgendaItem, MeetingMember, Vote

pytestmark = pytest.mark.django_db(transaction=False)
DEMO = SCALES["demo"]


@pytest.fixture
def demo():
    call_command("generate_dataset", scale="demo", no_check=True, stdout=io.StringIO())


def problems():
    return [p for _, check in dataset_checks() for p in check(DEMO)]


def broken(change) -> list[str]:
    """The check's findings after ``change``, which is rolled back afterwards."""
    with transaction.atomic():
        change()
        found = problems()
        transaction.set_rollback(True)
    return found


def test_demo_dataset_has_every_state_and_keeps_the_invariants(demo):
    assert set(Project.objects.values_list("status", flat=True)) == set(State.values)
    assert Project.objects.count() == DEMO.projects
    assert Organisation.objects.filter(kind="department").count() == DEMO.departments
    assert AuditEvent.objects.count() >= DEMO.events
    assert Disbursement.objects.filter(status="paid").exists()
    assert audit_verify() is None
    assert problems() == []
    call_command("check_dataset", stdout=io.StringIO())
    # Names vary: no word of four characters runs through most names.
    names = list(Project.objects.values_list("name", flat=True))
    assert len(set(names)) > len(names) * 0.8
    grams = {}
    for name in names:
        for gram in {name[i : i + 4] for i in range(len(name) - 3)}:
            grams[gram] = grams.get(gram, 0) + 1
    assert max(grams.values()) < len(names) * 0.2


def test_check_dataset_finds_each_kind_of_broken_row(demo):
    project = Project.objects.filter(status=State.IN_CONSTRUCTION).first()
    found = broken(lambda: Project.objects.filter(pk=project.pk).update(status=State.ACCEPTED))
    assert f"项目 #{project.pk} 状态“accepted”与流转记录不符" in "".join(found)

    paid = Disbursement.objects.filter(status="paid").first()
    line = BudgetLine.objects.get(pk=paid.budget_line_id)
    over = line.amount + 1
    found = broken(lambda: Disbursement.objects.filter(pk=paid.pk).update(amount=over))
    assert f"预算安排 #{line.pk} 已审批及支付超出安排金额" in found

    item = AgendaItem.objects.exclude(closed_at=None).first()
    vote = Vote.objects.filter(item=item).first()

    def absent_voter():
        MeetingMember.objects.filter(meeting=item.meeting, user=vote.member).update(present=False)

    assert f"表决票 #{vote.pk} 不是出席且无需回避的委员所投" in broken(absent_voter)

    head = AuditChainHead.objects.first()
    found = broken(lambda: AuditChainHead.objects.filter(pk=head.pk).update(hash="0" * 64))
    assert any(f"审计链 {head.chain}" in p for p in found)

    with pytest.raises(CommandError, match="数据集检查未通过"), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status=State.ACCEPTED)
        call_command("check_dataset", stdout=io.StringIO())


def test_generate_dataset_refuses_a_database_with_data(demo):
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("generate_dataset", scale="demo", stdout=io.StringIO())


def test_bench_runs_at_demo_scale_and_writes_json_with_floors(demo, tmp_path):
    out = tmp_path / "bench.json"
    log = io.StringIO()
    call_command("bench", runs=1, export_runs=0, output=str(out), stdout=log, stderr=log)
    report = json.loads(out.read_text())
    assert report["meta"]["scale"] == "demo" and report["meta"]["database"] == connection.vendor
    cases = {c["name"]: c for c in report["cases"]}
    ledger = cases["项目台账首页（牵头部门）"]
    assert ledger["value"]["median_ms"] > 0 and ledger["queries"] > 0
    assert {"bare", "bare+count", "admin changelist"} <= set(ledger)
    pages = [c for c in report["cases"] if c["kind"] == "page"]
    assert len(pages) >= 15 and all("error" not in c for c in pages)
    assert all(c["value"]["runs"] == 1 for c in pages)
    with_floors = [c for c in pages if any(k in c for k in ("bare", "SQL aggregate"))]
    assert len(with_floors) >= 12
    assert cases["R7 相似项目查重（每次调用）"]["value"]["median_ms"] > 0
    assert cases["审计事件追加（每秒）"]["per_second"] > 0
    assert "| 项目台账首页（牵头部门） |" in log.getvalue()
