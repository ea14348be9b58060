"""Cycle time (SPEC §4): how long each step took, over the projects the reader may see.

The step rows and the per-unit averages are computed from the same set of projects
(``Project.objects.visible_to(user)`` in the jurisdiction), so the averages summarise rows the
reader could list."""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max
from django.utils import timezone

from projects.models import Project

from .models import AgendaItem, PanelMember, Review, ReviewTask

DAY = 86400


def _duration(start, end):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _projects(user, jurisdiction_id):
    return Project.objects.visible_to(user).filter(jurisdiction_id=jurisdiction_id).values("pk")


def cycle_steps(*, user, jurisdiction_id, limit=20, finished=None) -> list[dict]:
    """The slowest steps: opinions per unit, scores per expert, votes, whole reviews.

    ``finished`` True/False keeps only completed / still open steps; an open step of a
    suspended or terminated project is not waiting on anyone and is left out."""
    projects = _projects(user, jurisdiction_id)
    now = timezone.now()
    tasks = ReviewTask.objects.filter(review__project__in=projects).select_related(
        "review__project", "organisation"
    )
    seats = PanelMember.objects.filter(
        panel__review__project__in=projects, replaced_at__isnull=True
    ).select_related("panel__review__project", "expert__user")
    items = AgendaItem.objects.filter(review__project__in=projects).select_related(
        "review__project", "meeting"
    )
    reviews = Review.objects.filter(project__in=projects).select_related("project")
    rows = [
        *(
            _step(
                t.review.project, f"书面意见：{t.organisation}", t.assigned_at, t.completed_at, now
            )
            for t in tasks
        ),
        *(
            _step(s.panel.review.project, f"专家评分：{s.expert}", s.assigned_at, s.scored_at, now)
            for s in seats
        ),
        *(
            _step(i.review.project, f"会议表决：{i.meeting}", i.added_at, i.closed_at, now)
            for i in items
        ),
        *(
            _step(r.project, "评审全程（受理至决定）", r.opened_at, r.decided_at, now)
            for r in reviews
        ),
    ]
    if finished is not None:
        rows = [row for row in rows if row["open"] is not finished]
    rows = [r for r in rows if not r["open"] or r["project"].status == "in_review"]
    rows.sort(key=lambda row: row["spent"], reverse=True)
    return rows[:limit]


def _step(project, step, start, end, now):
    spent = (end or now) - start
    return {
        "project": project,
        "step": step,
        "start": start,
        "end": end,
        "spent": spent,
        "days": spent.total_seconds() / DAY,
        "open": end is None,
    }


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
