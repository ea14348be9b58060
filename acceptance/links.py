"""The project page's button to its acceptance page, and which acceptance pages a
notification may link to (registered in ``ready()``)."""

from django.urls import reverse

from core.notifications import link_check
from projects.links import PageLink, project_link
from projects.models import Project

from . import selectors

ACCEPTANCE_STATES = {
    "in_construction",
    "acceptance_requested",
    "rectifying",
    "accepted",
    "evaluating",
    "evaluated",
}


@project_link
def acceptance_link(user, project):
    if project.status not in ACCEPTANCE_STATES and project.suspended_from not in ACCEPTANCE_STATES:
        return None
    return PageLink("验收", reverse("acceptance:project", args=[project.pk]), "bi-clipboard2-check")


@link_check("acceptance:project")
def visible_projects(user, pks) -> set:
    return set(Project.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


@link_check("acceptance:item")
def visible_items(user, pks) -> set:
    rows = selectors.items_visible_to(user).filter(pk__in=pks)
    return set(rows.values_list("pk", flat=True))
