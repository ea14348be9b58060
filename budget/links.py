"""The project page's button to the funding page, and which funding pages a notification may
link to (both registered in ``ready()``)."""

from django.urls import reverse

from core.notifications import link_check
from projects.links import PageLink, project_link
from projects.models import Project

from .models import Disbursement, OmApplication
from .om_rules import OM_STATES


@project_link
def funding_link(user, project):
    if project.approved_amount is None:
        return None
    return PageLink("资金", reverse("budget:project", args=[project.pk]), "bi-cash-stack")


@link_check("budget:project")
def visible_funding(user, pks) -> set:
    return set(Project.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


@link_check("budget:disbursement")
def visible_disbursements(user, pks) -> set:
    """Notifications link to funding pages only while the recipient may open them."""
    rows = Disbursement.objects.visible_to(user).filter(pk__in=pks)
    return set(rows.values_list("pk", flat=True))


@project_link
def om_link(user, project):
    if project.status not in OM_STATES:
        return None
    return PageLink("运维经费", reverse("budget:om_rounds"), "bi-tools")


@link_check("budget:om_application")
def visible_om_applications(user, pks) -> set:
    rows = OmApplication.objects.filter(pk__in=pks, project__in=Project.objects.visible_to(user))
    return set(rows.values_list("pk", flat=True))
