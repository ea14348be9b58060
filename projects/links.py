"""Buttons on the project page that lead to other apps' pages about the project (the review,
the funding). Those apps register ``provider(user, project) -> PageLink | None`` from their
``ready()``; providers run in registration (INSTALLED_APPS) order."""

from dataclasses import dataclass

from core.notifications import link_check

from .models import Project


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str
    icon: str = "bi-box-arrow-up-right"


_providers = []


def project_link(provider):
    """Register ``provider(user, project) -> PageLink | None`` for the project page."""
    _providers.append(provider)
    return provider


def project_links(user, project) -> list[PageLink]:
    return [link for provider in _providers if (link := provider(user, project))]


@link_check("projects:detail")
def visible_projects(user, pks) -> set:
    """Notifications link to a project page only while the recipient may open it."""
    return set(Project.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
