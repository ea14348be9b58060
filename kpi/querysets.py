"""Visibility and the one definition of owed, filed, on time, late and missing.

**Definition (SPEC §7, used by every page, export, reminder and scorecard):**

- *owed*: every ``ProgressReturn`` row. The rows are created when the period opens (the frozen
  set: projects in a building state and annual tasks with a lead unit), and never added or
  deleted afterwards, so no rate can exceed 100%.
- *filed*: ``received_at`` is set. It is the server's time of the first submission (by the
  screen, or of the upload for an import) and never changes; a return sent back and resubmitted
  keeps it.
- *on time*: filed and ``received_at < period.due_at`` (``due_at`` is the midnight that ends
  the due day); *late*: filed and ``received_at >= period.due_at``, late by ``late_days``
  (calendar days after the due day, Asia/Shanghai, computed once at receipt by
  ``services.lateness``).
- *missing*: not filed and ``now >= period.due_at``; *pending*: not filed, not yet due.
"""

from django.db import models
from django.db.models import Count, F, Q, Sum

from core.models import Role

R = Role

FILED = Q(received_at__isnull=False)
ON_TIME = Q(received_at__isnull=False, received_at__lt=F("period__due_at"))
LATE = Q(received_at__isnull=False, received_at__gte=F("period__due_at"))


def missing(now) -> Q:
    return Q(received_at__isnull=True, period__due_at__lte=now)


def timeliness_annotations(now) -> dict:
    """The counts of the definition above as aggregate expressions."""
    late_days = Sum("late_days", filter=LATE)
    return {
        "owed": Count("pk"),
        "filed": Count("pk", filter=FILED),
        "on_time": Count("pk", filter=ON_TIME),
        "late": Count("pk", filter=LATE),
        "late_days": late_days,
        "missing": Count("pk", filter=missing(now)),
        "accepted": Count("pk", filter=Q(status="accepted")),
        "awaiting_check": Count("pk", filter=Q(status="submitted")),
    }


def _scope(user, department_field="department_id"):
    from projects.querysets import jurisdiction_scope

    if user.is_superuser or user.has_role(R.ADMIN):
        return Q()
    scope = Q(pk__in=[])
    if user.has_role(R.OFFICE, R.LEADER, R.AUDITOR):
        scope |= Q(jurisdiction_id__in=jurisdiction_scope(user))
    if user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD) and user.organisation_id:
        scope |= Q(**{department_field: user.organisation_id})
    return scope


class ReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Departments see their own returns, the office, leaders and auditors their
        jurisdiction (and the districts under it)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_scope(user))

    def for_list(self):
        return self.select_related("period", "department", "project", "plan_item__plan")

    def timeliness(self, now):
        """One row of counts for the whole queryset (one query)."""
        return self.aggregate(**timeliness_annotations(now))

    def timeliness_by_department(self, now):
        """One GROUP BY: counts per department, for a period, a quarter or a year."""
        return (
            self.order_by()
            .values("department_id", "department__name")
            .annotate(**timeliness_annotations(now))
            .order_by("department__name")
        )

    def for_quarter(self, year, quarter):
        months = range(3 * quarter - 2, 3 * quarter + 1)
        return self.filter(period__year=year, period__month__in=months)


class NoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(_scope(user))

    def for_list(self):
        return self.select_related("department", "project", "plan_item", "issued_by")

    def counts_by_department(self, today):
        """Open, overdue and closed-on-time dispatch notes per department (one GROUP BY).
        Overdue: not closed and the deadline has passed; closed on time: closed and first
        answered on or before the deadline."""
        pending = ~Q(status="closed")
        return (
            self.order_by()
            .values("department_id", "department__name")
            .annotate(
                issued=Count("pk"),
                open=Count("pk", filter=pending),
                overdue=Count("pk", filter=pending & Q(deadline__lt=today)),
                closed=Count("pk", filter=Q(status="closed")),
                closed_on_time=Count(
                    "pk",
                    filter=Q(status="closed", first_answered_on__lte=F("deadline")),
                ),
            )
            .order_by("department__name")
        )
