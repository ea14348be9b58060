"""The project page's button to the latest review, and which review pages a notification may
link to (both registered in ``ready()``)."""

from django.urls import reverse

from core.notifications import link_check
from projects.links import PageLink, project_link
from projects.models import Project

from .evaluation import EVALUATION_STATES
from .models import Occasion, PostEvaluation, Review


@project_link
def review_link(user, project):
    review = (
        Review.objects.filter(project=project, occasion=Occasion.APPROVAL)
        .order_by("-pk")
        .only("pk")
        .first()
    )
    if review is None:
        return None
    return PageLink("项目联审", reverse("review:detail", args=[review.pk]), "bi-people")


@link_check("review:detail")
def visible_reviews(user, pks) -> set:
    """Notifications link to a review page only while the recipient may open it."""
    reviews = Review.objects.filter(pk__in=pks, project__in=Project.objects.visible_to(user))
    return set(reviews.values_list("pk", flat=True))


@project_link
def evaluation_link(user, project):
    if project.status not in EVALUATION_STATES:
        return None
    found = PostEvaluation.objects.filter(project=project).order_by("-pk").only("pk").first()
    if found is None:
        return PageLink("后评价", reverse("review:evaluations"), "bi-clipboard-data")
    return PageLink("后评价", reverse("review:evaluation", args=[found.pk]), "bi-clipboard-data")


@link_check("review:evaluation")
def visible_evaluations(user, pks) -> set:
    rows = PostEvaluation.objects.filter(pk__in=pks, project__in=Project.objects.visible_to(user))
    return set(rows.values_list("pk", flat=True))
