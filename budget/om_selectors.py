"""Reads for the O&M funding pages, scoped per SPEC §2 (a department sees its own)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import Role
from projects.models import Project
from projects.querysets import jurisdiction_scope

from .models import OmApplication, OmRound
from .om_rules import OM_STATES
from .om_workflow import OmState

LIST_SIZE = 100


def visible_rounds(user):
    return OmRound.objects.filter(jurisdiction_id__in=jurisdiction_scope(user))


def rounds_for(user):
    return visible_rounds(user).order_by("-year")[:10]


def open_round(user) -> OmRound | None:
    today = timezone.localdate()
    return (
        OmRound.objects.filter(
            jurisdiction_id=user.jurisdiction_id, opens_on__lte=today, closes_on__gte=today
        )
        .order_by("-year")
        .first()
    )


def applications_for(user, status=""):
    """Applications on projects the user may see (finance: its jurisdiction's), optionally in
    one state; the page shows the first ``LIST_SIZE``."""
    rows = OmApplication.objects.filter(
        project__in=Project.objects.visible_to(user).values("pk")
    ).select_related("round", "project__department", "budget_line")
    if status in OmState.values:
        rows = rows.filter(status=status)
    return rows.order_by("-round__year", "status", "project__name")


def eligible_projects(user):
    """The user's department's projects in service (it may apply for them)."""
    if not (user.organisation_id and user.has_role(Role.DEPT_OFFICER)):
        return Project.objects.none()
    return Project.objects.filter(
        department_id=user.organisation_id, status__in=OM_STATES
    ).order_by("name")


def application_for_page(*, user, pk) -> OmApplication:
    return get_object_or_404(
        OmApplication.objects.select_related(
            "round", "project__department", "project__jurisdiction", "budget_line__fund"
        ),
        pk=pk,
        project__in=Project.objects.visible_to(user).values("pk"),
    )
