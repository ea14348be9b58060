"""Object lookups shared by the review pages: scoped to what the user may see."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Project

from ..models import (
    Meeting,
    Review,
)
from ..permissions import can_manage_review


def visible_review(user, pk) -> Review:
    """A review whose project the user may see (SPEC §2: 404 otherwise)."""
    visible = Project.objects.visible_to(user).values("pk")
    return get_object_or_404(
        Review.objects.select_related("project__department", "round", "project__jurisdiction"),
        pk=pk,
        project__in=visible,
    )


def office_jurisdiction(user):
    if not can_manage_review(user, user.jurisdiction_id):
        raise PermissionDenied
    return user.jurisdiction_id


def office_meeting(user, pk) -> Meeting:
    return get_object_or_404(Meeting, pk=pk, jurisdiction_id=office_jurisdiction(user))
