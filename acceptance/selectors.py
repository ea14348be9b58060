"""Reads for the acceptance pages: the register (scoped per SPEC §2), its counts per
department in one GROUP BY (the scorecards use it), and the audit list of a year."""

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from core.models import Role
from projects.models import Project
from projects.querysets import jurisdiction_scope

from .models import AuditEntry, RectificationItem
from .workflow import OPEN_STATES, ItemState

R = Role


def items_visible_to(user):
    """Office, auditors and leaders read their jurisdictions' items; a department its own."""
    rows = RectificationItem.objects.all()
    if not user.is_authenticated:
        return rows.none()
    if user.is_superuser or user.has_role(R.ADMIN):
        return rows
    scope = Q(pk__in=[])
    if user.has_role(R.OFFICE, R.AUDITOR, R.LEADER):
        scope |= Q(jurisdiction_id__in=jurisdiction_scope(user))
    if user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD) and user.organisation_id:
        scope |= Q(department_id=user.organisation_id)
    return rows.filter(scope)


def overdue_q(today=None) -> Q:
    return Q(status__in=OPEN_STATES, deadline__lt=today or timezone.localdate())


def item_list(*, user, status="", source="", overdue=False, department=None):
    rows = items_visible_to(user)
    if status in ItemState.values:
        rows = rows.filter(status=status)
    if source in RectificationItem.Source.values:
        rows = rows.filter(source=source)
    if overdue:
        rows = rows.filter(overdue_q())
    if department:
        rows = rows.filter(department_id=department)
    return rows.select_related("department", "project").order_by("status", "deadline", "pk")


def item_for(*, user, pk) -> RectificationItem:
    found = (
        items_visible_to(user)
        .select_related("department", "project", "jurisdiction", "created_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def counts_by_department(*, items, today=None) -> list[dict]:
    """Per department: total, open, overdue, closed, closed on time (one GROUP BY)."""
    today = today or timezone.localdate()
    return list(
        items.order_by()
        .values("department_id", "department__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATES)),
            overdue=Count("pk", filter=overdue_q(today)),
            closed=Count("pk", filter=Q(status=ItemState.CLOSED)),
            closed_on_time=Count(
                "pk", filter=Q(status=ItemState.CLOSED, closed_at__date__lte=F("deadline"))
            ),
        )
        .order_by("-overdue", "-open", "department__name")
    )


PENDING_AUDIT = [AuditEntry.Status.PLANNED, AuditEntry.Status.AUDITING]


def audit_list(*, user, year, pending=False):
    """The year's audit plan list; ``pending``: only entries not yet audited."""
    rows = AuditEntry.objects.filter(jurisdiction_id__in=jurisdiction_scope(user), year=year)
    if pending:
        rows = rows.filter(status__in=PENDING_AUDIT)
    return rows.select_related("project__department", "updated_by").annotate(
        n_items=Count("items"),
        n_open=Count("items", filter=Q(items__status__in=OPEN_STATES)),
    )


def audit_years(*, user) -> list[int]:
    rows = AuditEntry.objects.filter(jurisdiction_id__in=jurisdiction_scope(user))
    years = set(rows.values_list("year", flat=True).distinct())
    return sorted(years | {timezone.localdate().year}, reverse=True)


def project_for_acceptance(*, user, pk) -> Project:
    found = Project.objects.visible_to(user).for_detail().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def awaiting_decision(*, jurisdiction_id):
    """Projects whose acceptance round waits for the office's decision."""
    return Project.objects.filter(jurisdiction_id=jurisdiction_id, status="acceptance_requested")
