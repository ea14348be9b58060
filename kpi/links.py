"""The project page's button to its monthly returns, and which dispatch pages a notification
may link to (registered in ``ready()``)."""

from django.urls import reverse

from core.notifications import link_check
from projects.links import PageLink, project_link

from .models import DispatchNote, ProgressReturn


@project_link
def returns_link(user, project):
    if not ProgressReturn.objects.visible_to(user).filter(project=project).exists():
        return None
    return PageLink(
        "月报", f"{reverse('kpi:project_returns', args=[project.pk])}", "bi-calendar-check"
    )


@link_check("kpi:return")
def visible_returns(user, pks) -> set:
    rows = ProgressReturn.objects.visible_to(user).filter(pk__in=pks)
    return set(rows.values_list("pk", flat=True))


@link_check("kpi:note")
def visible_notes(user, pks) -> set:
    return set(
        DispatchNote.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
    )
