"""The annual application window (SPEC §3 submit guard) at its boundaries, under time-machine.

The window is a pair of dates in the jurisdiction's local time (Asia/Shanghai): open from the
first second of ``opens_on`` to the last second of ``closes_on``.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.permissions import WorkflowError
from projects import services
from review import services as review_services
from tests.factories import Actors, draft_project

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
CLOSED = "^年度集中申报须在评审批次的申报窗口期内提交，当前没有开放的申报窗口（依据：[^）]+）$"


def at(*args):
    return dt.datetime(*args, tzinfo=LOCAL)


@pytest.fixture
def window():
    """Actors (whose own round is open 2025-12-11..2026-02-09) and a March 2026 window."""
    with time_machine.travel(at(2026, 1, 10, 9, 0), tick=False):
        actors = Actors()
        march = review_services.round_create(
            jurisdiction=actors.jurisdiction,
            kind="annual",
            year=2026,
            batch=2,
            opens_on=dt.date(2026, 3, 1),
            closes_on=dt.date(2026, 3, 31),
            by=actors.office,
        )
        project = draft_project(actors, channel="annual")
        services.project_confirm(project=project, by=actors.head)
    return actors, march, project


@pytest.mark.parametrize(
    "moment",
    [at(2026, 2, 28, 23, 59, 59), at(2026, 4, 1, 0, 0, 0), at(2026, 2, 10, 0, 0, 0)],
    ids=["last second before opening", "first second after closing", "day after first round"],
)
def test_annual_submission_outside_every_window_is_refused(window, moment):
    actors, _, project = window
    with time_machine.travel(moment, tick=False):
        with pytest.raises(WorkflowError, match=CLOSED):
            services.project_submit(project=project, by=actors.officer)
    project.refresh_from_db()
    assert project.status == "draft"


@pytest.mark.parametrize(
    "moment",
    [at(2026, 3, 1, 0, 0, 0), at(2026, 3, 31, 23, 59, 59)],
    ids=["first second of opens_on", "last second of closes_on"],
)
def test_annual_submission_inside_the_window_joins_that_round(window, moment):
    actors, march, project = window
    with time_machine.travel(moment, tick=False):
        project = services.project_submit(project=project, by=actors.officer)
        assert project.status == "submitted"
    with time_machine.travel(at(2026, 5, 6, 10, 0), tick=False):  # accepted after it closed
        project = review_services.review_accept(project=project, by=actors.office)
    assert project.reviews.get().round == march


def test_adhoc_submission_needs_no_window(window):
    actors, _, _ = window
    with time_machine.travel(at(2026, 1, 10, 9, 0), tick=False):
        project = draft_project(
            actors, name="应急指挥平台", channel="adhoc", adhoc_justification="防汛应急需要"
        )
        services.project_confirm(project=project, by=actors.head)
    with time_machine.travel(at(2026, 4, 1, 0, 0, 0), tick=False):
        assert services.project_submit(project=project, by=actors.officer).status == "submitted"
