"""Cycle time (SPEC §4): how long each step took, over the projects the reader may see.

The step rows and the per-unit averages are computed from the same set of projects
(``Project.objects.visible_to(user)`` in the jurisdiction), so the averages summarise rows the
reader could list. Both are aggregated in the database: the slowest steps are one UNION ALL of
the four kinds of step, sorted and cut to ``limit`` rows there; only those rows are loaded."""

from django.db.models import (
    Avg,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import Project

from .models import AgendaItem, PanelMember, Review, ReviewTask

DAY = 86400

# kind -> (model, its path to the project, start field, end field, label, who is named
# in the label, what to load for that name)
STEPS = {
    "opinion": (
        ReviewTask,
        "review__project",
        "assigned_at",
        "completed_at",
        "书面意见",
        "organisation",
        "organisation",
    ),
    "score": (
        PanelMember,
        "panel__review__project",
        "assigned_at",
        "scored_at",
        "专家评分",
        "expert",
        "expert__user",
    ),
    "vote": (
        AgendaItem,
        "review__project",
        "added_at",
        "closed_at",
        "会议表决",
        "meeting",
        "meeting",
    ),
    "review": (Review, "project", "opened_at", "decided_at", "评审全程（受理至决定）", None, None),
}


def _duration(start, end):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _projects(user, jurisdiction_id):
    return Project.objects.visible_to(user).filter(jurisdiction_id=jurisdiction_id).values("pk")


def _step_rows(kind, projects, now, finished):
    model, path, start, end, *_ = STEPS[kind]
    rows = model.objects.filter(**{f"{path}__in": projects}).order_by()
    if kind == "score":
        rows = rows.filter(replaced_at__isnull=True)
    if finished:
        rows = rows.filter(**{f"{end}__isnull": False})
    else:
        # an open step of a suspended or terminated project is not waiting on anyone
        rows = rows.filter(**{f"{end}__isnull": True, f"{path}__status": "in_review"})
    return rows.annotate(
        step_kind=Value(kind, output_field=CharField()),
        step_id=F("pk"),
        step_project=F(f"{path}_id"),
        step_start=F(start),
        step_end=F(end),
        spent=ExpressionWrapper(
            Coalesce(F(end), Value(now, output_field=DateTimeField())) - F(start),
            output_field=DurationField(),
        ),
    ).values("step_kind", "step_id", "step_project", "step_start", "step_end", "spent")


def cycle_steps(*, user, jurisdiction_id, limit=20, finished=None) -> list[dict]:
    """The slowest steps: opinions per unit, scores per expert, votes, whole reviews.

    ``finished`` True/False keeps only completed / still open steps; an open step of a
    suspended or terminated project is not waiting on anyone and is left out."""
    projects = _projects(user, jurisdiction_id)
    now = timezone.now()
    states = [True, False] if finished is None else [finished]
    parts = [_step_rows(kind, projects, now, done) for kind in STEPS for done in states]
    top = list(
        parts[0].union(*parts[1:], all=True).order_by("-spent", "step_kind", "step_id")[:limit]
    )
    return _labelled(top)


def _labelled(rows) -> list[dict]:
    """Load the objects the ``rows`` name (one query per kind present, one for projects)."""
    subjects = {}
    for kind in {row["step_kind"] for row in rows}:
        model = STEPS[kind][0]
        ids = [row["step_id"] for row in rows if row["step_kind"] == kind]
        load = STEPS[kind][6]
        subjects[kind] = (model.objects.select_related(load) if load else model.objects).in_bulk(
            ids
        )
    projects = Project.objects.in_bulk({row["step_project"] for row in rows})
    result = []
    for row in rows:
        kind = row["step_kind"]
        label, named = STEPS[kind][4:6]
        if named:
            label = f"{label}：{getattr(subjects[kind][row['step_id']], named)}"
        result.append(
            {
                "project": projects[row["step_project"]],
                "step": label,
                "start": row["step_start"],
                "end": row["step_end"],
                "spent": row["spent"],
                "days": row["spent"].total_seconds() / DAY,
                "open": row["step_end"] is None,
            }
        )
    return result


def cycle_by_unit(*, user, jurisdiction_id) -> list[dict]:
    """Average and longest days each reviewing unit took to give its opinions (in the DB)."""
    rows = (
        ReviewTask.objects.filter(
            review__project__in=_projects(user, jurisdiction_id), completed_at__isnull=False
        )
        .values("organisation__name")
        .annotate(
            n=Count("id"),
            average=Avg(_duration("assigned_at", "completed_at")),
            longest=Max(_duration("assigned_at", "completed_at")),
        )
        .order_by("-longest")
    )
    return [
        {
            **row,
            "avg_days": row["average"].total_seconds() / DAY,
            "max_days": row["longest"].total_seconds() / DAY,
        }
        for row in rows
    ]
