"""The project page's button to the project's latest review (registered in ``ready()``)."""

from django.urls import reverse

from projects.links import PageLink, project_link

from .models import Review


@project_link
def review_link(user, project):
    review = Review.objects.filter(project=project).order_by("-pk").only("pk").first()
    if review is None:
        return None
    return PageLink("联合评审", reverse("review:detail", args=[review.pk]), "bi-people")
