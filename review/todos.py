"""To-do items owned by the review app (one COUNT each). Each count is the row count of the
page it links to, from the same selector."""

from core.models import Role
from core.todo import TodoItem, todo_provider

from . import evaluation, pages, selectors


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
        for todo, label, icon in (
            ("draw", "待抽取专家的评审", "bi-shuffle"),
            ("close_panel", "评分已齐待结束专家评审", "bi-clipboard-data"),
            ("schedule", "待列入联审会议的评审", "bi-calendar-plus"),
            ("decide", "待记录决定的评审", "bi-check2-square"),
        ):
            count = pages.reviews_in_progress(jurisdiction_id=user.jurisdiction_id, todo=todo)
            items.append(TodoItem(label, count.count(), f"/review/?todo={todo}", icon))
        counts, url = evaluation.todo_counts(user), "/review/evaluations/?flag="
        for key, label in (
            (evaluation.TO_START, "已到期待启动的后评价"),
            (evaluation.IN_PROGRESS, "进行中的后评价"),
        ):
            items.append(TodoItem(label, counts[key], url + key, "bi-clipboard-data"))
    return items
