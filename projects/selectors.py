"""Reads for project pages: the ledger, the detail page and the workspace."""

from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404

from core.models import Organisation

from .filters import ProjectFilter
from .models import Project


def departments_visible_to(user):
    visible = Project.objects.visible_to(user).filter(department=OuterRef("pk"))
    return Organisation.objects.filter(Exists(visible)).order_by("name")


def project_list(*, user, filters) -> ProjectFilter:
    """The ledger's filterset over the projects the user may see (``.qs`` is the result)."""
    queryset = Project.objects.visible_to(user).for_ledger()
    filterset = ProjectFilter(filters, queryset=queryset, departments=departments_visible_to(user))
    return filterset


def project_for_detail(*, user, pk) -> Project:
    return get_object_or_404(Project.objects.visible_to(user).for_detail(), pk=pk)


def project_status_counts(*, user) -> dict:
    rows = Project.objects.visible_to(user).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# ``redact(user, project, events) -> events``: higher apps hide what a reader may not see in
# their own events (review: who scored and who voted); registered from their ``ready()``.
_timeline_redactors = []


def timeline_redactor(func):
    """Register ``func(user, project, events) -> events`` for the project timeline."""
    _timeline_redactors.append(func)
    return func


def project_timeline(*, project, user) -> list:
    """The project's audit events, newest first, as ``user`` may read them."""
    events = list(project.audit_events.select_related("actor").order_by("-created_at", "-id"))
    for redact in _timeline_redactors:
        events = redact(user, project, events)
    return events
