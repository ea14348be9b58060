"""R10 ceilings at their exact boundaries, acceptance for the final milestone, pools."""

from decimal import Decimal

import pytest
from django.utils import timezone

from budget import services
from budget.models import BudgetLine, Contract
from core.audit import audit_verify
from core.models import AuditEvent
from core.permissions import WorkflowError
from tests.factories import (
    approved_project,
    building_project,
    disbursement_in,
    mark_accepted,
    special_fund,
)

pytestmark = pytest.mark.django_db
D = Decimal


def verified(actors, project, line, milestone, amount):
    return disbursement_in(
        actors, "verified", project=project, line=line, milestone=milestone, amount=amount
    )


def approve(actors, d):
    return services.disbursement_approve(disbursement=d, by=actors.finance)


def fill_then_probe(actors, project, line, milestone, first, match):
    """Approve ``first``; then (ceiling − first + 0.01) fails and (ceiling − first) passes."""
    a = verified(actors, project, line, milestone, first[0])
    over = verified(actors, project, line, milestone, first[1] + D("0.01"))
    exact = verified(actors, project, line, milestone, first[1])
    approve(actors, a)
    with pytest.raises(WorkflowError, match=match):
        approve(actors, over)
    over.refresh_from_db()
    assert over.status == "verified"
    assert approve(actors, exact).status == "approved"


def test_line_ceiling(actors):
    special_fund(actors, "5000000", 2026)
    special_fund(actors, "5000000", 2027)
    milestones = [
        {"name": "进度款", "amount": D("900000"), "is_final": False},
        {"name": "尾款", "amount": D("100000"), "is_final": True},
    ]
    project = approved_project(actors, "1000000")
    project = services.list_in_budget(
        project=project, allocations=[(2026, D("600000")), (2027, D("400000"))], by=actors.finance
    )
    contract = services.contract_record(
        project=project,
        by=actors.officer,
        name="合同",
        vendor="供应商",
        method="inquiry",
        amount=D("1000000"),
        signed_on=timezone.localdate(),
        milestones=milestones,
    )
    project = services.project_start_construction(project=project, by=actors.officer)
    line = project.budget_lines.get(fund__year=2026)
    progress = contract.milestones.get(name="进度款")
    fill_then_probe(
        actors,
        project,
        line,
        progress,
        (D("300000"), D("300000")),
        r"R10 超出预算安排（2026年建设资金）：额度 [0-9,.]+ 万元（600,000.00 元），已审批及支付 [0-9,.]+ 万元（300,000.00 元），"
        r"本次 [0-9,.]+ 万元（300,000.01 元），超出 [0-9,.]+ 万元（0.01 元）",
    )


def test_milestone_ceiling(actors):
    project, line, contract = building_project(actors)
    signing = contract.milestones.get(name="签订合同")  # 30% of 1,000,000
    assert signing.amount == D("300000")
    fill_then_probe(
        actors,
        project,
        line,
        signing,
        (D("150000"), D("150000")),
        "R10 超出付款节点“签订合同”：额度 [0-9,.]+ 万元（300,000.00 元）",
    )


def test_contract_and_approved_amount_ceilings(actors):
    project, line, contract = building_project(actors)
    m1, m2, final = contract.milestones.order_by("seq")
    project = mark_accepted(actors, project)
    requests = [
        verified(actors, project, line, m, amount)
        for m, amount in [(m1, "300000"), (m2, "400000"), (final, "299999.99"), (final, "0.01")]
    ]
    two_cents = verified(actors, project, line, final, D("0.01"))
    for d in requests:
        assert approve(actors, d).status == "approved"  # everything exactly full now
    with pytest.raises(WorkflowError) as refused:
        approve(actors, two_cents)
    message = str(refused.value)
    assert "R10 超出合同“系统建设合同”：额度 100.00 万元（1,000,000.00 元）" in message
    assert "R10 超出项目核定投资：额度 100.00 万元（1,000,000.00 元）" in message
    assert "超出 0.00 万元（0.01 元）" in message
    # The refusal names its basis as the jurisdiction cites it.
    assert message.endswith("（依据：《湘潭市“十四五”数字政府建设实施方案》“统筹项目资金管理”）")


def test_final_milestone_needs_acceptance(actors):
    project, line, contract = building_project(actors)
    final = contract.milestones.get(is_final=True)
    d = disbursement_in(actors, "draft", project=project, line=line, milestone=final)
    with pytest.raises(WorkflowError, match="R10 尾款“终验”须在项目验收通过后拨付"):
        services.disbursement_submit(disbursement=d, by=actors.officer)
    project = mark_accepted(actors, project)
    d = services.disbursement_submit(disbursement=d, by=actors.officer)
    d = services.disbursement_verify(disbursement=d, by=actors.office)
    assert approve(actors, d).status == "approved"


def test_final_milestone_checked_again_at_approval(actors):
    """Verified while accepted is impossible to fake here; the approval guard re-checks."""
    project, line, contract = building_project(actors)
    final = contract.milestones.get(is_final=True)
    project = mark_accepted(actors, project)
    d = verified(actors, project, line, final, D("1000"))
    from projects.services import project_suspend

    project_suspend(project=project, by=actors.office, reason="整改")
    with pytest.raises(WorkflowError, match="当前状态为“已暂停”，不能拨付"):
        approve(actors, d)


def test_pool_ceiling_when_listing(actors):
    special_fund(actors, "1000000")
    a = approved_project(actors, "600000")
    b = approved_project(actors, "500000", name="第二个项目")
    services.list_in_budget(project=a, allocations=[(2026, D("600000"))], by=actors.finance)
    events = AuditEvent.objects.count()
    with pytest.raises(
        WorkflowError,
        match=r"超出2026年度专项资金额度.*超出 [0-9,.]+ 万元（100,000.00 元）（依据：《湘潭市",
    ):
        services.list_in_budget(project=b, allocations=[(2026, "500000")], by=actors.finance)
    b.refresh_from_db()
    assert b.status == "approved" and not b.budget_lines.exists()
    assert AuditEvent.objects.count() == events
    b = services.list_in_budget(project=b, allocations=[(2026, "400000")], by=actors.finance)
    assert b.status == "funded"


def test_listing_checks_approved_amount_years_and_role(actors):
    special_fund(actors, "9000000")
    project = approved_project(actors, "1000000")
    with pytest.raises(WorkflowError, match="超出核定投资"):
        services.list_in_budget(
            project=project, allocations=[(2026, "1000000.01")], by=actors.finance
        )
    with pytest.raises(WorkflowError, match="2027年度尚未设立专项资金"):
        services.list_in_budget(
            project=project, allocations=[(2026, "500000"), (2027, "500000")], by=actors.finance
        )
    with pytest.raises(WorkflowError, match="须大于 0"):
        services.list_in_budget(project=project, allocations=[(2026, "-5")], by=actors.finance)
    with pytest.raises(WorkflowError, match="请填写正确的预算年度"):
        services.list_in_budget(project=project, allocations=[(0, "5")], by=actors.finance)
    with pytest.raises(WorkflowError, match="只有财政部门"):
        services.list_in_budget(project=project, allocations=[(2026, "1")], by=actors.office)
    project = services.list_in_budget(
        project=project, allocations=[(2026, "1000000")], by=actors.finance
    )
    assert project.status == "funded"
    with pytest.raises(WorkflowError, match="不能低于已安排金额"):
        special_fund(actors, "999999.99")


def test_contract_rules_and_start_construction(actors):
    special_fund(actors, "9000000")
    project = approved_project(actors, "1000000")
    project = services.list_in_budget(
        project=project, allocations=[(2026, "1000000")], by=actors.finance
    )
    with pytest.raises(WorkflowError, match="开工建设前须登记采购合同"):
        services.project_start_construction(project=project, by=actors.officer)
    args = dict(
        project=project,
        by=actors.officer,
        name="合同",
        vendor="供应商",
        method="open",
        signed_on=timezone.localdate(),
    )
    ms = [
        {"name": "签订", "percent": 30, "is_final": False},
        {"name": "终验", "percent": 70, "is_final": True},
    ]
    with pytest.raises(
        WorkflowError, match="合同金额合计 [0-9,.]+ 万元（1,000,000.01 元） 超出核定投资"
    ):
        services.contract_record(amount=D("1000000.01"), milestones=ms, **args)
    with pytest.raises(WorkflowError, match="比例合计须为 100%"):
        services.contract_record(
            amount=D("1000"), milestones=ms[:1] + [{**ms[1], "percent": 60}], **args
        )
    with pytest.raises(WorkflowError, match="只能指定一个尾款节点"):
        services.contract_record(
            amount=D("1000"), milestones=[{**m, "is_final": True} for m in ms], **args
        )
    with pytest.raises(WorkflowError, match="合同金额须大于 0"):
        services.contract_record(amount=D("-1"), milestones=ms, **args)
    with pytest.raises(WorkflowError, match="只有申报单位的经办人"):
        services.contract_record(amount=D("1000"), milestones=ms, **{**args, "by": actors.finance})
    assert not Contract.objects.exists()
    contract = services.contract_record(amount=D("333333.33"), milestones=ms, **args)
    assert [m.amount for m in contract.milestones.all()] == [D("100000.00"), D("233333.33")]
    project = services.project_start_construction(project=project, by=actors.officer)
    assert project.status == "in_construction"


def test_every_money_movement_is_audited(actors):
    project, line, contract = building_project(actors)
    d = disbursement_in(
        actors, "paid", project=project, line=line, milestone=contract.milestones.first()
    )
    actions = list(
        AuditEvent.objects.filter(project=project).values_list("action", flat=True).order_by("seq")
    )
    for expected in [
        "budget_line",
        "list_in_budget",
        "contract",
        "start_construction",
        "disbursement_create",
        "disbursement_submit",
        "disbursement_verify",
        "disbursement_approve",
        "disbursement_pay",
    ]:
        assert expected in actions
    event = AuditEvent.objects.filter(subject_type="disbursement", subject_id=d.pk).last()
    assert event.data["voucher_no"] == "PZ-2026-001" and event.to_state == "paid"
    assert BudgetLine.objects.get().amount == D("1000000")
    assert audit_verify() is None


def test_a_later_year_line_respects_pool_and_approved_amount(actors):
    special_fund(actors, "300000", 2027)
    project, _line, _contract = building_project(actors, approved="1000000")
    with pytest.raises(
        WorkflowError, match="预算安排合计 [0-9,.]+ 万元（1,000,000.01 元） 超出核定投资"
    ):
        services.budget_line_add(project=project, year=2027, amount="0.01", by=actors.finance)
    with pytest.raises(WorkflowError, match="该项目2026年度已有预算安排"):
        services.budget_line_add(project=project, year=2026, amount="1", by=actors.finance)
    om = services.budget_line_add(
        project=project, year=2027, amount="300000", kind=BudgetLine.Kind.OM, by=actors.finance
    )
    assert om.kind == "om"
    with pytest.raises(WorkflowError, match="超出2027年度专项资金额度"):
        services.budget_line_add(
            project=project, year=2027, amount="0.01", kind=BudgetLine.Kind.OM, by=actors.finance
        )
