"""The project page's button to the latest review, and which review pages a notification may
link to (both registered in ``ready()``)."""

from django.urls import reverse

from core.notifications import link_check
from projects.links import PageLink, project_link
from projects.models import Project

from .models import Review


@project_link
def review_link(user, project):
    review = Review.objects.filter(project=project).order_by("-pk").only("pk").first()
    if review is None:
        return None
    return PageLink("项目联审", reverse("review:detail", args=[review.pk]), "bi-people")


@link_check("review:detail")
def visible_reviews(user, pks) -> set:
    """Notifications link to a review page only while the recipient may open it."""
    reviews = Review.objects.filter(pk__in=pks, project__in=Project.objects.visible_to(user))
    return set(reviews.values_list("pk", flat=True))
