"""R10 milestone ties: a milestone names what it waits for (signing, 初验, 终验 or a date), and
a payment tied to it is refused until that is on record."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from budget import services
from core.permissions import WorkflowError
from tests.factories import (
    building_project,
    disbursement_in,
    initial_passed,
    mark_accepted,
)

pytestmark = pytest.mark.django_db
D = Decimal


def submit(actors, project, line, milestone):
    d = disbursement_in(
        actors, "draft", project=project, line=line, milestone=milestone, amount="1000"
    )
    return services.disbursement_submit(disbursement=d, by=actors.officer)


def test_the_initial_milestone_waits_for_a_passed_initial_acceptance(actors):
    project, line, contract = building_project(actors)
    signing, initial, final = contract.milestones.order_by("seq")
    assert (signing.trigger, initial.trigger, final.trigger) == ("signing", "initial", "final")
    assert submit(actors, project, line, signing).status == "submitted"
    message = "R10 付款节点“初验”须在初验通过后拨付，该项目尚未登记通过的初验"
    with pytest.raises(WorkflowError, match=message):
        submit(actors, project, line, initial)
    initial_passed(actors, project, conclusion="failed")
    with pytest.raises(WorkflowError, match=message):
        submit(actors, project, line, initial)
    initial_passed(actors, project, conclusion="passed_with_issues")
    assert submit(actors, project, line, initial).status == "submitted"
    with pytest.raises(WorkflowError, match="R10 尾款“终验”须在项目验收通过后拨付"):
        submit(actors, project, line, final)


def test_the_final_payment_needs_final_acceptance_through_the_services(actors):
    project, line, contract = building_project(actors)
    final = contract.milestones.get(is_final=True)
    project = mark_accepted(actors, project)
    assert project.status == "accepted"
    d = submit(actors, project, line, final)
    d = services.disbursement_verify(disbursement=d, by=actors.office)
    assert services.disbursement_approve(disbursement=d, by=actors.finance).status == "approved"


def test_a_non_final_milestone_tied_to_final_acceptance(actors):
    milestones = [
        {"name": "首付款", "percent": 50, "is_final": False},
        {"name": "验收款", "percent": 30, "is_final": False, "trigger": "final"},
        {"name": "质保金", "percent": 20, "is_final": True},
    ]
    project, line, contract = building_project(actors, milestones=milestones)
    tied = contract.milestones.get(seq=2)
    with pytest.raises(WorkflowError, match="R10 付款节点“验收款”须在终验（验收通过）后拨付"):
        submit(actors, project, line, tied)


def test_a_dated_milestone_waits_for_its_date(actors):
    due = timezone.localdate() + dt.timedelta(days=30)
    milestones = [
        {"name": "首付款", "percent": 70, "is_final": False},
        {"name": "年度款", "percent": 20, "is_final": False, "trigger": "date", "due_on": due},
        {"name": "尾款", "percent": 10, "is_final": True},
    ]
    project, line, contract = building_project(actors, milestones=milestones)
    dated = contract.milestones.get(seq=2)
    with pytest.raises(WorkflowError, match=f"约定于 {due:%Y-%m-%d} 后拨付"):
        submit(actors, project, line, dated)
    on_the_day = dt.datetime.combine(due, dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(on_the_day, tick=False):
        assert submit(actors, project, line, dated).status == "submitted"


def test_a_dated_milestone_needs_its_date(actors):
    milestones = [
        {"name": "首付款", "percent": 80, "is_final": False, "trigger": "date"},
        {"name": "尾款", "percent": 20, "is_final": True},
    ]
    with pytest.raises(WorkflowError, match="按约定日期支付的，须填写日期"):
        building_project(actors, milestones=milestones)
