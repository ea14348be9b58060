"""Post-evaluation reads (SPEC §3): when it falls due, the list the office works from, the
grade bands, and the scores that feed R9 and the scorecards.

Due 12 months after acceptance, overdue after 24 (the window is inclusive: the 24-month
anniversary is the last day). The acceptance time is the project's ``accept`` transition in
the audit log (whichever service fired it); the flags are computed in SQL.
"""

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import AuditEvent
from projects.models import DataResource, Project
from projects.workflow import State as P

from .models import Grade, PostEvaluation

DUE_MONTHS, OVERDUE_MONTHS = 12, 24
# The one place the grade thresholds live: (minimum score, grade), best first.
GRADE_BANDS = [
    (Decimal("90"), Grade.EXCELLENT),
    (Decimal("80"), Grade.GOOD),
    (Decimal("60"), Grade.PASS),
    (Decimal("0"), Grade.FAIL),
]
PASSING_GRADES = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS]


class Due:
    """The due flag of a project's post-evaluation."""

    NOT_DUE, DUE, OVERDUE, DONE = "not_due", "due", "overdue", "done"
    LABELS = {NOT_DUE: "未到期", DUE: "已到期", OVERDUE: "已逾期", DONE: "已完成"}
    BADGES = {NOT_DUE: "secondary", DUE: "warning text-dark", OVERDUE: "danger", DONE: "success"}


# States in which a project's post-evaluation is owed or done.
EVALUATION_STATES = [P.ACCEPTED, P.EVALUATING, P.EVALUATED]


def grade_for(score) -> str:
    for minimum, grade in GRADE_BANDS:
        if score >= minimum:
            return grade
    return Grade.FAIL


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(accepted_at) -> tuple[dt.date, dt.date] | tuple[None, None]:
    """(due from, last day) for an acceptance time."""
    if accepted_at is None:
        return None, None
    day = timezone.localdate(accepted_at)
    return add_months(day, DUE_MONTHS), add_months(day, OVERDUE_MONTHS)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def accepted_at_subquery():
    return Subquery(
        AuditEvent.objects.filter(project=OuterRef("pk"), action="accept")
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def with_due_flags(projects, today=None):
    """Annotate ``accepted_at`` and ``due_flag`` (a ``Due`` value) in SQL."""
    today = today or timezone.localdate()
    # Accepted before the first midnight after (today - 12 months): due; before the midnight
    # of (today - 24 months): the 24-month anniversary has passed, overdue.
    due_before = _midnight(add_months(today, -DUE_MONTHS) + dt.timedelta(days=1))
    overdue_before = _midnight(add_months(today, -OVERDUE_MONTHS))
    return projects.annotate(accepted_at=accepted_at_subquery()).annotate(
        due_flag=Case(
            When(status=P.EVALUATED, then=Value(Due.DONE)),
            When(accepted_at__lt=overdue_before, then=Value(Due.OVERDUE)),
            When(accepted_at__lt=due_before, then=Value(Due.DUE)),
            default=Value(Due.NOT_DUE),
            output_field=CharField(),
        )
    )


def evaluation_rows(*, user, flag="", today=None):
    """Projects owing or having had a post-evaluation, visible to ``user``, with flags and
    the latest evaluation (one query; the page paginates it). ``flag`` is a ``Due`` value,
    or ``TO_START``: accepted projects whose evaluation is due or overdue (the to-do)."""
    latest = PostEvaluation.objects.filter(project=OuterRef("pk")).order_by("-started_at")
    rows = (
        with_due_flags(Project.objects.visible_to(user).filter(status__in=EVALUATION_STATES), today)
        .annotate(
            evaluation_id=Subquery(latest.values("pk")[:1]),
            evaluation_score=Subquery(latest.values("score")[:1]),
            evaluation_grade=Subquery(latest.values("grade")[:1]),
        )
        .select_related("department")
        .order_by("accepted_at", "pk")
    )
    if flag in Due.LABELS:
        rows = rows.filter(due_flag=flag)
    elif flag in TODO_FILTERS:
        rows = rows.filter(TODO_FILTERS[flag])
    return rows


# The office's to-dos, each the rows of the list filtered so: evaluations to start (due or
# overdue) and evaluations under way (panel to draw, scores to close, result to record).
TO_START, IN_PROGRESS = "to_start", "in_progress"
TODO_FILTERS = {
    TO_START: Q(status=P.ACCEPTED, due_flag__in=[Due.DUE, Due.OVERDUE]),
    IN_PROGRESS: Q(status=P.EVALUATING),
}


def todo_counts(user) -> dict:
    """Both to-do counts in one query."""
    rows = with_due_flags(Project.objects.visible_to(user).filter(status__in=EVALUATION_STATES))
    return rows.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in TODO_FILTERS.items()}
    )


def evaluation_state(project, today=None) -> tuple[str, dict]:
    """(due flag, facts) for one project: the acceptance time, the window and the latest
    completed evaluation. R9 and the project's evaluation page read it."""
    row = with_due_flags(Project.objects.filter(pk=project.pk), today).values(
        "accepted_at", "due_flag"
    )
    row = row.first() or {"accepted_at": None, "due_flag": Due.NOT_DUE}
    due_from, last_day = due_dates(row["accepted_at"])
    completed = latest_completed(project)
    return row["due_flag"], {
        "accepted_at": row["accepted_at"],
        "due_from": due_from,
        "last_day": last_day,
        "completed": completed,
    }


def latest_completed(project) -> PostEvaluation | None:
    return (
        PostEvaluation.objects.filter(project=project, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )


def evaluation_scores(projects) -> dict:
    """project id -> (score, grade) of its latest completed post-evaluation: the one
    aggregation the scorecards read (one query for any number of projects)."""
    rows = (
        PostEvaluation.objects.filter(project__in=projects, completed_at__isnull=False)
        .order_by("project_id", "completed_at")
        .values_list("project_id", "score", "grade")
    )
    return {pk: (score, grade) for pk, score, grade in rows}  # the latest wins


def open_evaluation(project) -> PostEvaluation | None:
    return PostEvaluation.objects.filter(project=project, completed_at__isnull=True).first()


def evaluation_for_page(*, user, pk) -> PostEvaluation:
    return get_object_or_404(
        PostEvaluation.objects.select_related(
            "project__department", "project__jurisdiction", "review__round", "completed_by"
        ),
        pk=pk,
        project__in=Project.objects.visible_to(user).values("pk"),
    )


# Facts of the record an evaluation report and page show: ``provider(project) -> [(label,
# text)]``. This app gives the data-sharing facts; budget (above) registers the money.
FACT_PROVIDERS = []


def fact_provider(func):
    FACT_PROVIDERS.append(func)
    return func


def record_facts(project) -> list[tuple[str, str]]:
    return [fact for provider in FACT_PROVIDERS for fact in provider(project)]


@fact_provider
def data_sharing_facts(project):
    modes = dict(project.data_resources.values_list("sharing_mode").annotate(n=Count("pk")))
    total = sum(modes.values())
    shared = total - modes.get(DataResource.SharingMode.NONE, 0)
    return [("数据资源共享", f"登记数据资源 {total} 项，其中共享 {shared} 项")]
