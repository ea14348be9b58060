"""Object lookups shared by the review pages: scoped to what the user may see (SPEC §2)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Project

from ..models import AgendaItem, Meeting, PanelMember, Review
from ..permissions import can_manage_review, can_read_meetings


def _visible_projects(user):
    return Project.objects.visible_to(user).values("pk")


def visible_review(user, pk) -> Review:
    """A review whose project the user may see (404 otherwise)."""
    return get_object_or_404(
        Review.objects.select_related("project__department", "round", "project__jurisdiction"),
        pk=pk,
        project__in=_visible_projects(user),
    )


def own_seat(user, pk) -> PanelMember:
    """The user's own panel seat on a project he may see (404 otherwise)."""
    return get_object_or_404(
        PanelMember.objects.select_related("panel__review__project", "expert"),
        pk=pk,
        expert__user=user,
        panel__review__project__in=_visible_projects(user),
    )


def seated_item(user, pk) -> AgendaItem:
    """An agenda item of a meeting the user sits on, on a project he may see (404 otherwise)."""
    return get_object_or_404(
        AgendaItem.objects.filter(meeting__members__user=user).select_related(
            "meeting", "review__project__department"
        ),
        pk=pk,
        review__project__in=_visible_projects(user),
    )


def office_jurisdiction(user):
    """The jurisdiction whose reviews the user runs (403 unless the office)."""
    if not can_manage_review(user, user.jurisdiction_id):
        raise PermissionDenied("只有牵头部门可以办理")
    return user.jurisdiction_id


def reader_jurisdiction(user):
    """The jurisdiction whose meetings and cycle time the user reads (403 otherwise)."""
    decision = can_read_meetings(user, user.jurisdiction_id)
    if not decision:
        raise PermissionDenied(decision.reason)
    return user.jurisdiction_id


def readable_meeting(user, pk) -> Meeting:
    return get_object_or_404(Meeting, pk=pk, jurisdiction_id=reader_jurisdiction(user))


def office_meeting(user, pk) -> Meeting:
    return get_object_or_404(Meeting, pk=pk, jurisdiction_id=office_jurisdiction(user))
