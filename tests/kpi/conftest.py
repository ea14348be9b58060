import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kpi import services
from tests.factories import Actors, UserFactory, building_project, plan_item


@pytest.fixture
def actors():
    return Actors()


def at(year, month, day, hour=10, minute=0):
    """An aware Asia/Shanghai datetime."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


@pytest.fixture
def dispatch(actors):
    """One project being built and one annual task led by the department; the March 2026
    period opened on 1 April, with the department head's confirmation required."""
    from core.models import Role

    project, line, contract = building_project(actors)
    task = plan_item(actors.jurisdiction, year=2026, code="07")
    task.lead = actors.department
    task.name = "一网通办能力提升"
    task.save()
    actors.office.email = "office@example.gov.cn"
    actors.officer.email = "officer@example.gov.cn"
    actors.officer.save()
    actors.head.email = "head@example.gov.cn"
    actors.head.save()
    actors.other_head = UserFactory(organisation=actors.other_department, roles=[Role.DEPT_HEAD])
    with time_machine.travel(at(2026, 4, 1, 0, 10), tick=False):
        period, _ = services.period_open(jurisdiction=actors.jurisdiction, year=2026, month=3)
    actors.project, actors.line, actors.contract, actors.task, actors.period = (
        project,
        line,
        contract,
        task,
        period,
    )
    return actors


FILLED = {
    "planned_progress": "60",
    "actual_progress": "45",
    "milestones": "完成需求调研",
    "problems": "供应商人员不足",
    "next_plan": "完成系统部署",
    "risk": "medium",
}
