"""Post-evaluation, O&M and termination helpers (issue 10 items 5, 7, 8).

``accepted_project`` is the one place these tests reach ``accepted``: through the project
services as they are on main (the bare acceptance transitions) until the acceptance branch's
factory replaces it.
"""

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from projects.models import DataResource
from tests.factories import building_project, make_expert, mark_accepted

TZ = timezone.get_default_timezone()


def at(day: dt.date, hour=10):
    """A local time on ``day`` for time_machine."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def accepted_project(actors, *, accepted_on=None, **overrides):
    """A built project accepted on ``accepted_on`` (today by default). Returns (project,
    line, contract)."""
    project, line, contract = building_project(actors, **overrides)
    if accepted_on is None:
        return mark_accepted(actors, project), line, contract
    with time_machine.travel(at(accepted_on), tick=False):
        return mark_accepted(actors, project), line, contract


def score_evaluation(actors, evaluation, totals=(85, 85, 85)):
    """Draw and close a post-evaluation panel whose experts all score ``totals``."""
    from review import selectors
    from review import services as review_services

    for _ in totals:
        make_expert(actors)
    review = evaluation.review
    panel = review_services.panel_draw(review=review, size=len(totals), by=actors.office)
    criteria = selectors.criteria_for(
        jurisdiction_id=actors.jurisdiction.pk, occasion="post_evaluation"
    )
    for member, value in zip(panel.members.order_by("pk"), totals, strict=True):
        review_services.score_submit(
            member=member,
            values={c[0]: Decimal(value) for c in criteria},
            by=member.expert.user,
        )
    return review_services.panel_close(panel=panel, by=actors.office)


def evaluated_project(actors, *, accepted_on, evaluated_on, totals=(85, 85, 85), **overrides):
    """A project accepted on ``accepted_on`` and post-evaluated on ``evaluated_on``."""
    from review import services as review_services

    project, line, contract = accepted_project(actors, accepted_on=accepted_on, **overrides)
    with time_machine.travel(at(evaluated_on), tick=False):
        evaluation = review_services.evaluation_start(project=project, by=actors.office)
        score_evaluation(actors, evaluation, totals)
        evaluation = review_services.evaluation_complete(
            evaluation=evaluation, by=actors.office, conclusion="系统运行稳定，达到建设目标。"
        )
    return evaluation.project, line, evaluation


def all_shared(project):
    project.data_resources.update(sharing_mode=DataResource.SharingMode.UNCONDITIONAL)
