"""To-do items owned by the review app (one COUNT each)."""

from django.db.models import Q

from core.models import Role
from core.todo import TodoItem, todo_provider

from . import selectors
from .models import AgendaItem, Review


@todo_provider
def review_todos(user):
    items = []
    if user.has_role(Role.REVIEWER) and user.organisation_id:
        count = selectors.my_opinion_tasks(user).count()
        items.append(TodoItem("待出具的审查意见", count, "/review/mine/", "bi-pencil-square"))
    if user.has_role(Role.EXPERT):
        count = selectors.my_panel_seats(user).count()
        items.append(TodoItem("待评分的项目", count, "/review/mine/", "bi-star-half"))
    if user.has_role(Role.COMMITTEE):
        count = selectors.my_vote_items(user).exclude(votes__member=user).count()
        items.append(TodoItem("待表决的议题", count, "/review/votes/", "bi-hand-thumbs-up"))
    if user.has_role(Role.OFFICE):
        open_reviews = Review.objects.filter(
            round__jurisdiction_id=user.jurisdiction_id,
            status=Review.Status.OPEN,
            project__status="in_review",
        )
        count = open_reviews.filter(panel__isnull=True).count()
        items.append(TodoItem("待抽取专家的评审", count, "/review/?todo=draw", "bi-shuffle"))
        count = AgendaItem.objects.filter(
            Q(meeting__jurisdiction_id=user.jurisdiction_id),
            closed_at__isnull=False,
            review__status=Review.Status.OPEN,
        ).count()
        items.append(
            TodoItem("待记录决定的议题", count, "/review/?todo=decide", "bi-check2-square")
        )
    return items
