"""Reads of monthly dispatch: periods a user may see, the department's filing screen, the
office's check page, per-department and per-project views, the dispatch sheet."""

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from projects.querysets import jurisdiction_scope

from .models import DispatchNote, ProgressReturn, ReportingPeriod
from .querysets import LATE, missing


def periods_for(user):
    return ReportingPeriod.objects.filter(jurisdiction_id__in=jurisdiction_scope(user))


def period_for(*, user, pk) -> ReportingPeriod:
    return get_object_or_404(periods_for(user).select_related("jurisdiction"), pk=pk)


def current_period(user) -> ReportingPeriod | None:
    """The latest period of the user's own jurisdiction."""
    return ReportingPeriod.objects.filter(jurisdiction_id=user.jurisdiction_id).first()


def return_for_detail(*, user, pk) -> ProgressReturn:
    rows = ProgressReturn.objects.visible_to(user).for_list()
    return get_object_or_404(rows.select_related("filed_by", "confirmed_by", "accepted_by"), pk=pk)


def department_returns(*, user, period):
    """The filing screen: every return the user's department owes in ``period``."""
    if not user.organisation_id:
        raise Http404
    return (
        ProgressReturn.objects.filter(period=period, department_id=user.organisation_id)
        .for_list()
        .order_by("kind", "pk")
    )


CHECK_FILTERS = {
    "submitted": Q(status="submitted"),
    "awaiting_head": Q(status="awaiting_head"),
    "accepted": Q(status="accepted"),
    "returned": Q(status__in=["returned", "reopened"]),
    "late": LATE,
    "risk": Q(risk__in=["medium", "high"]),
    "behind": Q(planned_progress__gt=F("actual_progress") + 10),
}


def check_list(*, user, period, department=None, show=None):
    """The office's check page: returns of the period (every period when None), filtered,
    oldest receipt first."""
    rows = ProgressReturn.objects.visible_to(user).for_list()
    if period is not None:
        rows = rows.filter(period=period)
    if department:
        rows = rows.filter(department_id=department)
    if show == "missing":
        rows = rows.filter(missing(timezone.now()))
    elif show in CHECK_FILTERS:
        rows = rows.filter(CHECK_FILTERS[show])
    return rows.order_by(F("received_at").asc(nulls_last=True), "pk")


def department_summary(*, user, periods):
    """Per department: owed, filed, on time, late (days), missing — one GROUP BY."""
    rows = ProgressReturn.objects.visible_to(user).filter(period__in=periods)
    return list(rows.timeliness_by_department(timezone.now()))


def quarter_summary(*, user, year, quarter):
    """The scorecards' input: per department per quarter, one query."""
    rows = ProgressReturn.objects.visible_to(user).for_quarter(year, quarter)
    return list(rows.timeliness_by_department(timezone.now()))


def _open_notes(field):
    pending = DispatchNote.objects.filter(**{field: OuterRef(field)}).exclude(status="closed")
    counted = pending.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def project_rows(*, user, period):
    """Per project and task: progress gap against plan, risk, flags and open dispatch notes
    (the sheet's rows); the note counts are subqueries, so nothing fans out."""
    return (
        ProgressReturn.objects.visible_to(user)
        .filter(period=period)
        .for_list()
        .annotate(
            open_notes=Case(
                When(project__isnull=False, then=_open_notes("project")),
                default=_open_notes("plan_item"),
            )
        )
        .order_by("department__name", "kind", "pk")
    )


def notes_for(*, user, status=None, department=None):
    rows = DispatchNote.objects.visible_to(user).for_list()
    if status == "overdue":
        rows = rows.exclude(status="closed").filter(deadline__lt=timezone.localdate())
    elif status == "open":  # 待答复, as the department's to-do counts it: also sent back
        rows = rows.filter(status__in=["open", "sent_back"])
    elif status:
        rows = rows.filter(status=status)
    if department:
        rows = rows.filter(department_id=department)
    return rows


def note_for_detail(*, user, pk) -> DispatchNote:
    rows = DispatchNote.objects.visible_to(user).for_list().select_related("ret__period")
    return get_object_or_404(rows, pk=pk)


def note_counts(*, user):
    return list(DispatchNote.objects.visible_to(user).counts_by_department(timezone.localdate()))


def timeline(obj):
    from core.models import AuditEvent

    return AuditEvent.objects.filter(subject_type=obj._meta.model_name, subject_id=obj.pk).order_by(
        "-created_at", "-id"
    )
