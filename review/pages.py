"""What a review's page shows to one reader: the record, and which buttons the
``permissions`` predicates allow (templates never decide who may act)."""

from django.db.models import Count, Exists, OuterRef, Q

from core.paging import PAGE_SIZE

from .models import AgendaItem, Meeting, Review, ReviewTask
from .panel_models import PanelMember
from .permissions import (
    can_add_to_agenda,
    can_change_panel,
    can_close_item,
    can_draw_panel,
    can_give_opinion,
    can_manage_review,
    can_record_decision,
    can_run_meeting,
    can_see_reviewer_identities,
)
from .selectors import (
    default_approved_amount,
    items_for,
    judged_material,
    latest_opinions,
    meeting_items,
    panel_for,
    panel_members,
    panel_score,
)


def review_page(review, user) -> dict:
    project = review.project
    panel = panel_for(review)
    opinions = latest_opinions(review)
    tasks = [
        (task, opinions.get(task.function), can_give_opinion(user, task))
        for task in review.tasks.select_related("organisation", "review__project")
    ]
    agenda = can_add_to_agenda(user, review)
    return {
        "review": review,
        "project": project,
        "tasks": tasks,
        "panel": panel,
        "panel_members": panel_members(panel, user) if panel else [],
        "panel_seats": panel.members.filter(replaced_at__isnull=True).count() if panel else 0,
        "panel_score": panel_score(panel) if panel and panel.closed_at else None,
        "identities": can_see_reviewer_identities(user, project),
        **judged_material(project),
        "items": [(item, can_record_decision(user, item)) for item in items_for(review)],
        "default_amount": default_approved_amount(review),
        "can_manage": can_manage_review(user, project.jurisdiction_id),
        "can_draw": panel is None and can_draw_panel(user, review),
        "can_change_panel": panel is not None and can_change_panel(user, panel),
        "open_meetings": Meeting.objects.filter(jurisdiction_id=project.jurisdiction_id).exclude(
            items__review=review
        )[:10]
        if agenda
        else [],
    }


def meeting_page(meeting, user) -> dict:
    """A meeting for the office (who runs it) or a leader or auditor (who reads it)."""
    manage = can_run_meeting(user, meeting)
    return {
        "meeting": meeting,
        "can_manage": manage,
        "seats": meeting.members.select_related("user__organisation"),
        "items": [
            (item, tally, can_close_item(user, item), can_record_decision(user, item))
            for item, tally in meeting_items(meeting)
        ],
        # the reviews waiting longest, one page of them (the office adds a few per meeting)
        "candidates": reviews_in_progress(jurisdiction_id=meeting.jurisdiction_id).exclude(
            agenda_items__meeting=meeting
        )[:PAGE_SIZE]
        if manage
        else [],
    }


TODO_FILTERS = {
    # the office's to-dos on the review index (``review.todos``): the same filter for the
    # badge's count and the listed rows
    "draw": Q(panel__isnull=True),
    # every seated expert has scored, the panel is still open
    "close_panel": Q(panel__isnull=False, panel__closed_at__isnull=True)
    & ~Q(
        Exists(
            PanelMember.objects.filter(
                panel__review=OuterRef("pk"), replaced_at__isnull=True, scored_at__isnull=True
            )
        )
    ),
    # opinions all in, panel closed, on no meeting's agenda that is open or voted with quorum
    "schedule": Q(panel__closed_at__isnull=False)
    & ~Q(Exists(ReviewTask.objects.filter(review=OuterRef("pk"), completed_at__isnull=True)))
    & ~Q(
        Exists(
            AgendaItem.objects.filter(review=OuterRef("pk")).filter(
                Q(closed_at__isnull=True) | Q(quorum_met=True)
            )
        )
    ),
    "decide": Q(agenda_items__closed_at__isnull=False),
}
TODO_LABELS = {
    "draw": "待抽取专家",
    "close_panel": "评分已齐待结束专家评审",
    "schedule": "待列入联审会议",
    "decide": "待记录决定",
}


def reviews_in_progress(*, jurisdiction_id, todo=""):
    """Open reviews of projects still in review, with opinion counts ("n of m")."""
    reviews = Review.objects.filter(
        round__jurisdiction_id=jurisdiction_id, status="open", project__status="in_review"
    )
    if todo in TODO_FILTERS:
        reviews = reviews.filter(pk__in=reviews.filter(TODO_FILTERS[todo]).values("pk"))
    return (
        reviews.select_related("project__department", "round", "panel")
        .annotate(
            tasks_total=Count("tasks", distinct=True),
            tasks_done=Count("tasks", filter=Q(tasks__completed_at__isnull=False), distinct=True),
        )
        .order_by("opened_at")
    )
