"""Periods: deadlines at month ends, the frozen owed set, and timeliness by the receipt time."""

import datetime as dt

import pytest
import time_machine

from kpi import services
from kpi.models import DispatchConfig, ProgressReturn, ReportingPeriod
from kpi.querysets import missing
from projects import services as project_services

from .conftest import FILLED, at

pytestmark = pytest.mark.django_db


def _config(**kw):
    return DispatchConfig(**{"due_day": 10, "close_after_days": 10, **kw})


@pytest.mark.parametrize(
    ("year", "month", "due_day", "due"),
    [
        (2026, 3, 10, dt.date(2026, 4, 10)),
        (2026, 1, 31, dt.date(2026, 2, 28)),  # February is shorter: its last day
        (2028, 1, 31, dt.date(2028, 2, 29)),  # leap year
        (2026, 12, 5, dt.date(2027, 1, 5)),  # year end
        (2026, 4, 31, dt.date(2026, 5, 31)),
    ],
)
def test_due_on_the_configured_day_of_the_next_month(year, month, due_day, due):
    due_at, closes_at = services.period_deadlines(year, month, _config(due_day=due_day))
    assert due_at == at(due.year, due.month, due.day, 0, 0) + dt.timedelta(days=1)
    assert closes_at == due_at + dt.timedelta(days=10)


def test_one_minute_late_is_one_day_late():
    due_at, _ = services.period_deadlines(2026, 3, _config())
    assert services.lateness(at(2026, 4, 10, 23, 59), due_at) == 0
    assert services.lateness(at(2026, 4, 11, 0, 0), due_at) == 1
    assert services.lateness(at(2026, 4, 11, 0, 1), due_at) == 1
    assert services.lateness(at(2026, 4, 13, 9, 0), due_at) == 3


def test_opening_freezes_projects_being_built_and_led_tasks(dispatch):
    rows = ProgressReturn.objects.filter(period=dispatch.period)
    assert {(r.kind, r.department_id) for r in rows} == {
        ("project", dispatch.department.pk),
        ("task", dispatch.department.pk),
    }
    assert dispatch.period.owed_count == 2
    again, created = services.period_open(jurisdiction=dispatch.jurisdiction, year=2026, month=3)
    assert not created and again == dispatch.period and rows.count() == 2


def test_a_project_suspended_mid_month_stays_owed_that_month_and_not_the_next(dispatch):
    project_services.project_suspend(
        project=dispatch.project, by=dispatch.office, reason="统筹论证"
    )
    assert ProgressReturn.objects.filter(period=dispatch.period, project=dispatch.project).exists()
    april, _ = services.period_open(jurisdiction=dispatch.jurisdiction, year=2026, month=4)
    assert not ProgressReturn.objects.filter(period=april, project=dispatch.project).exists()
    assert april.owed_count == 1  # the task only
    counts = ProgressReturn.objects.filter(period=dispatch.period).timeliness(at(2026, 5, 1))
    assert counts["owed"] == 2 and counts["missing"] == 2


def _file(actors, ret, when, *, confirm=True):
    with time_machine.travel(when, tick=False):
        services.return_save(ret=ret, by=actors.officer, data=FILLED)
        ret = services.return_submit(ret=ret, by=actors.officer)
    if confirm:
        ret = services.return_confirm(ret=ret, by=actors.head)
    return ret


def test_the_receipt_time_decides_and_the_rates_never_exceed_100(dispatch):
    project_return, task_return = ProgressReturn.objects.filter(period=dispatch.period).order_by(
        "kind"
    )
    project_return = _file(dispatch, project_return, at(2026, 4, 10, 23, 59))
    task_return = _file(dispatch, task_return, at(2026, 4, 11, 0, 1))
    assert (project_return.late_days, task_return.late_days) == (0, 1)
    counts = ProgressReturn.objects.filter(period=dispatch.period).timeliness(at(2026, 4, 20))
    assert counts | {"late_days": counts["late_days"]} == {
        "owed": 2,
        "filed": 2,
        "on_time": 1,
        "late": 1,
        "late_days": 1,
        "missing": 0,
        "accepted": 0,
        "awaiting_check": 2,
    }
    # Returned and resubmitted later: the first receipt still decides.
    services.return_return(ret=project_return, by=dispatch.office, reason="进度数据有误")
    project_return = _file(
        dispatch, ProgressReturn.objects.get(pk=project_return.pk), at(2026, 4, 18)
    )
    assert project_return.late_days == 0 and project_return.resubmitted_at == at(2026, 4, 18)


def test_missing_only_after_the_due_day_and_filing_refused_after_closing(dispatch):
    rows = ProgressReturn.objects.filter(period=dispatch.period)
    assert rows.filter(missing(at(2026, 4, 10, 23, 59))).count() == 0
    assert rows.filter(missing(at(2026, 4, 11, 0, 0))).count() == 2
    ret = rows.first()
    with time_machine.travel(at(2026, 4, 20, 23, 59), tick=False):
        services.return_save(ret=ret, by=dispatch.officer, data=FILLED)
    with time_machine.travel(at(2026, 4, 21, 0, 0), tick=False):
        with pytest.raises(services.WorkflowError, match="填报已于 2026-04-21 00:00 截止"):
            services.return_submit(ret=ret, by=dispatch.officer)


def test_one_query_per_department_per_quarter(dispatch, django_assert_num_queries):
    services.period_open(jurisdiction=dispatch.jurisdiction, year=2026, month=2)
    with django_assert_num_queries(1):
        rows = list(
            ProgressReturn.objects.for_quarter(2026, 1).timeliness_by_department(at(2026, 5, 1))
        )
    assert [(r["department_id"], r["owed"], r["missing"]) for r in rows] == [
        (dispatch.department.pk, 4, 4)
    ]
    assert ReportingPeriod.objects.count() == 2
