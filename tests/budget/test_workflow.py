"""Every (state, action, role) cell of the disbursement machine, service and buttons."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from budget import services
from budget.workflow import available_actions
from core.permissions import WorkflowError
from tests.factories import building_project, disbursement_in, initial_passed

pytestmark = pytest.mark.django_db

ACTIONS = ["submit", "verify", "approve", "pay", "return_", "reject"]
ROLES = [
    "dept_officer",
    "dept_head",
    "other_dept_officer",
    "office",
    "finance",
    "leader",
    "auditor",
]
TARGET = {
    "submit": "submitted",
    "verify": "verified",
    "approve": "approved",
    "pay": "paid",
    "return_": "returned",
    "reject": "rejected",
}
# (state, role) -> the actions that role may fire in that state; every other cell is refused.
ALLOWED = {
    ("draft", "dept_officer"): {"submit"},
    ("returned", "dept_officer"): {"submit"},
    ("submitted", "office"): {"verify", "return_", "reject"},
    ("verified", "finance"): {"approve", "return_", "reject"},
    ("approved", "finance"): {"pay"},
}
STATES = ["draft", "submitted", "returned", "verified", "approved", "paid", "rejected"]
DATA = {"comment": "理由：材料不全", "voucher_no": "PZ-0001", "paid_on": timezone.localdate()}


class Rollback(Exception):
    pass


@pytest.mark.parametrize("state", STATES)
def test_every_cell(actors, state):
    project, line, contract = building_project(actors)
    milestone = contract.milestones.get(seq=1)
    d = disbursement_in(actors, state, project=project, line=line, milestone=milestone)
    users = actors.by_role()
    mismatches = []
    for role in ROLES:
        user = users[role]
        expected = ALLOWED.get((state, role), set())
        offered = {t.name for t in available_actions(user, d)}
        if offered != expected:
            mismatches.append(f"{state}/{role}: buttons {sorted(offered)} != {sorted(expected)}")
        for action in ACTIONS:
            try:
                with transaction.atomic():
                    result = services.ACTION_SERVICES[action](d, user, DATA)
                    outcome = result.status
                    raise Rollback
            except Rollback:
                pass
            except WorkflowError:
                outcome = None
            allowed = action in expected
            if allowed and outcome != TARGET[action]:
                mismatches.append(f"{state}/{role}/{action}: refused, expected allowed")
            if not allowed and outcome is not None:
                mismatches.append(f"{state}/{role}/{action}: allowed, expected refused")
        d.refresh_from_db()
        assert d.status == state
    assert not mismatches, "\n".join(mismatches)


def test_refusals_name_the_reason(actors):
    project, line, contract = building_project(actors)
    m = contract.milestones.get(seq=1)
    d = disbursement_in(actors, "paid", project=project, line=line, milestone=m)
    with pytest.raises(WorkflowError, match="当前状态为“已支付”，不能审批同意"):
        services.disbursement_approve(disbursement=d, by=actors.finance)
    d = disbursement_in(actors, "submitted", project=project, line=line, milestone=m)
    with pytest.raises(WorkflowError, match="只有财政部门可以审批"):
        services.disbursement_approve(disbursement=d, by=actors.office)
    with pytest.raises(WorkflowError, match="只有牵头部门可以审核"):
        services.disbursement_verify(disbursement=d, by=actors.officer)
    with pytest.raises(WorkflowError, match="退回修改须填写理由"):
        services.disbursement_return(disbursement=d, by=actors.office, reason="  ")
    with pytest.raises(WorkflowError, match="不予拨付须填写理由"):
        services.disbursement_reject(disbursement=d, by=actors.office, reason="")


def test_pay_needs_voucher_and_date(actors):
    project, line, contract = building_project(actors)
    d = disbursement_in(
        actors, "approved", project=project, line=line, milestone=contract.milestones.first()
    )
    with pytest.raises(WorkflowError, match="支付凭证号"):
        services.disbursement_pay(disbursement=d, by=actors.finance, voucher_no="", paid_on=None)
    with pytest.raises(WorkflowError, match="支付日期"):
        services.disbursement_pay(
            disbursement=d, by=actors.finance, voucher_no="PZ1", paid_on=dt.date(2099, 1, 1)
        )
    d.refresh_from_db()
    assert d.status == "approved" and d.voucher_no == ""


def test_returned_request_is_edited_and_resubmitted(actors):
    project, line, contract = building_project(actors)
    initial_passed(actors, project)  # the second milestone waits for 初验 (R10)
    first, second = contract.milestones.all()[:2]
    d = disbursement_in(actors, "returned", project=project, line=line, milestone=first)
    assert d.last_reason == "请补充发票"
    d = services.disbursement_update(
        disbursement=d,
        version=d.version,
        milestone=second,
        budget_line=line,
        amount="120000",
        by=actors.officer,
    )
    d = services.disbursement_submit(disbursement=d, by=actors.officer)
    assert (d.status, d.milestone, str(d.amount)) == ("submitted", second, "120000.00")
    with pytest.raises(WorkflowError, match="不能修改"):
        services.disbursement_update(
            disbursement=d,
            version=d.version,
            milestone=first,
            budget_line=line,
            amount="1",
            by=actors.officer,
        )
