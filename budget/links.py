"""The project page's button to the project's funding page (registered in ``ready()``)."""

from django.urls import reverse

from projects.links import PageLink, project_link


@project_link
def funding_link(user, project):
    if project.approved_amount is None:
        return None
    return PageLink("资金", reverse("budget:project", args=[project.pk]), "bi-cash-stack")
