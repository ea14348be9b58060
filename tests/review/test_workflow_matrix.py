"""Every (state, action, role) cell of the review: each service, in each state of the review's
machines (review open/decided, panel drawn/scored/closed, agenda item open/closed), for each
demo role, is allowed or refused with its reason.

The expected table is written out literally so it can disagree with the code. Each call runs
in a savepoint that is rolled back, so every cell starts from the same state.
"""

from types import SimpleNamespace

import pytest
from django.db import transaction

from core.permissions import WorkflowError
from review import selectors, services
from tests.factories import (
    Actors,
    give_opinions,
    make_committee,
    make_expert,
    meeting_with,
    project_in,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "dept_officer",
    "dept_head",
    "office",
    "reviewer",
    "expert",
    "committee",
    "finance",
    "auditor",
    "leader",
]
STATES = [
    "opened",  # review open, no opinion, no panel, item on the agenda and open
    "panel_drawn",  # opinions given, panel of two drawn, nobody scored yet
    "panel_scored",  # every expert scored, panel still open
    "panel_closed",  # panel closed, item still open
    "item_closed",  # three approving votes, item closed with quorum
    "decided",  # the office recorded the approval; project approved
]
OK = "ok"
OFFICE_ONLY = "^只有牵头部门可以办理$"
# action -> (the role that may fire it, the refusal every other role gets)
ACTOR = {
    "opinion_sign": ("reviewer", "^只有审查成员单位可以出具意见$"),
    "panel_draw": ("office", OFFICE_ONLY),
    "panel_replace": ("office", OFFICE_ONLY),
    "score_submit": ("expert", "^只能为分配给本人的项目评分$"),
    "panel_close": ("office", OFFICE_ONLY),
    "agenda_add": ("office", OFFICE_ONLY),
    "attendance_set": ("office", OFFICE_ONLY),
    "vote_cast": ("committee", "^您不是本次会议的委员$"),
    "item_close": ("office", OFFICE_ONLY),
    "review_decide": ("office", OFFICE_ONLY),
}
ACTIONS = list(ACTOR)
# state -> action -> what the acting role gets (OK or the refusal); None: no such object yet.
FOR_ACTOR = {
    "opened": {
        "opinion_sign": OK,
        "panel_draw": OK,
        "panel_replace": None,
        "score_submit": None,
        "panel_close": None,
        "agenda_add": OK,
        "attendance_set": OK,
        "vote_cast": OK,
        "item_close": OK,
        "review_decide": "^尚缺书面意见：.+，不能作出决定（依据：[^）]+）$",
    },
    "panel_drawn": {
        "opinion_sign": OK,
        "panel_draw": "^该项目已抽取专家组$",
        "panel_replace": OK,
        "score_submit": OK,
        "panel_close": "^尚有专家未评分：",
        "agenda_add": OK,
        "attendance_set": OK,
        "vote_cast": OK,
        "item_close": OK,
        "review_decide": "^专家评审尚未结束，不能作出决定（依据：[^）]+）$",
    },
    "panel_scored": {
        "opinion_sign": OK,
        "panel_draw": "^该项目已抽取专家组$",
        "panel_replace": "^只能替换尚未评分的在组专家$",
        "score_submit": "^已提交评分，不能修改$",
        "panel_close": OK,
        "agenda_add": OK,
        "attendance_set": OK,
        "vote_cast": OK,
        "item_close": OK,
        "review_decide": "^专家评审尚未结束，不能作出决定（依据：[^）]+）$",
    },
    "panel_closed": {
        "opinion_sign": OK,
        "panel_draw": "^该项目已抽取专家组$",
        "panel_replace": "^只能替换尚未评分的在组专家$",
        "score_submit": "^专家评审已结束，不能再评分$",
        "panel_close": "^专家评审已结束$",
        "agenda_add": OK,
        "attendance_set": OK,
        "vote_cast": OK,
        "item_close": OK,
        "review_decide": "^会议尚未结束该议题的表决，不能作出决定（依据：[^）]+）$",
    },
    "item_closed": {
        "opinion_sign": OK,
        "panel_draw": "^该项目已抽取专家组$",
        "panel_replace": "^只能替换尚未评分的在组专家$",
        "score_submit": "^专家评审已结束，不能再评分$",
        "panel_close": "^专家评审已结束$",
        "agenda_add": "^该项目已在会议上完成有效表决，请按表决结果记录决定，不能再次上会$",
        "attendance_set": "^已有议题结束表决，不能再修改出席情况$",
        "vote_cast": "^该议题已结束表决，不能再投票或改票$",
        "item_close": "^该议题已结束表决$",
        "review_decide": OK,
    },
    "decided": {
        "opinion_sign": "^评审已结束，不能再出具意见$",
        "panel_draw": "^评审已结束，不能抽取专家$",
        "panel_replace": "^只能替换尚未评分的在组专家$",
        "score_submit": "^专家评审已结束，不能再评分$",
        "panel_close": "^专家评审已结束$",
        "agenda_add": "^只有评审中的项目可以列入议程$",
        "attendance_set": "^已有议题结束表决，不能再修改出席情况$",
        "vote_cast": "^该议题已结束表决，不能再投票或改票$",
        "item_close": "^该议题已结束表决$",
        "review_decide": "^项目当前状态为“已批复”，不能同意立项$",
    },
}
CALLS = {
    "opinion_sign": lambda o, u: services.opinion_sign(
        task=o.task,
        conclusion="agree",
        text="同意。",
        correction_reason="更正笔误",
        by=u,
        version=o.task.opinions.order_by("-version").values_list("version", flat=True).first() or 0,
    ),
    "panel_draw": lambda o, u: services.panel_draw(review=o.review, size=1, by=u),
    "panel_replace": lambda o, u: services.panel_replace(member=o.seat, reason="出差", by=u),
    "score_submit": lambda o, u: services.score_submit(member=o.seat, values=o.values, by=u),
    "panel_close": lambda o, u: services.panel_close(panel=o.panel, by=u),
    "agenda_add": lambda o, u: services.agenda_add(meeting=o.other_meeting, review=o.review, by=u),
    "attendance_set": lambda o, u: services.attendance_set(
        meeting=o.meeting, user=o.member, present=False, by=u
    ),
    "vote_cast": lambda o, u: services.vote_cast(item=o.item, member=u, choice="approve", by=u),
    "item_close": lambda o, u: services.item_close(item=o.item, by=u),
    "review_decide": lambda o, u: services.review_decide(item=o.item, decision="approve", by=u),
}


def _scenario(actors, state):
    """The review brought to ``state`` through the services."""
    project = project_in(actors, "in_review")
    review = project.reviews.get()
    for _ in range(3):
        make_expert(actors)
    members = make_committee(actors, 3)
    meeting = meeting_with(actors, members)
    item = services.agenda_add(meeting=meeting, review=review, by=actors.office)
    criteria = selectors.criteria_for(jurisdiction_id=actors.jurisdiction.pk, occasion="approval")
    o = SimpleNamespace(
        review=review,
        task=review.tasks.get(function="security"),
        panel=None,
        seat=None,
        values={code: 80 for code, _, _ in criteria},
        meeting=meeting,
        other_meeting=meeting_with(actors, make_committee(actors, 3)),
        item=item,
        member=members[0],
        expert=actors.expert,
    )
    steps = STATES[1 : STATES.index(state) + 1]
    if "panel_drawn" in steps:
        give_opinions(actors, review, fiscal_amount=project.total_investment)
        o.panel = services.panel_draw(review=review, size=2, by=actors.office)
        seats = list(o.panel.members.select_related("expert__user").order_by("pk"))
        o.seat, o.expert = seats[0], seats[0].expert.user
    if "panel_scored" in steps:
        for seat in seats:
            services.score_submit(member=seat, values=o.values, by=seat.expert.user)
    if "panel_closed" in steps:
        services.panel_close(panel=o.panel, by=actors.office)
    if "item_closed" in steps:
        for member in members:
            services.vote_cast(item=item, member=member, choice="approve", by=member)
        services.item_close(item=item, by=actors.office)
    if "decided" in steps:
        services.review_decide(item=item, decision="approve", by=actors.office)
    return o


class Rollback(Exception):
    pass


def _outcome(call):
    try:
        with transaction.atomic():
            call()
            raise Rollback
    except Rollback:
        return OK
    except WorkflowError as error:
        return str(error)


def _refresh(o):
    for name in ("review", "task", "panel", "seat", "meeting", "other_meeting", "item"):
        obj = getattr(o, name)
        if obj is not None:
            obj.refresh_from_db()


@pytest.mark.parametrize("state", STATES)
def test_every_cell(state):
    import re

    actors = Actors()
    o = _scenario(actors, state)
    users = {
        **actors.by_role(),
        "expert": o.expert,  # the expert seated on this review's panel
        "committee": o.member,  # a present member of the meeting that has the item
    }
    mismatches = []
    for action in ACTIONS:
        actor, others = ACTOR[action]
        for_actor = FOR_ACTOR[state][action]
        if for_actor is None:
            continue
        for role in ROLES:
            expected = for_actor if role == actor else others
            got = _outcome(lambda action=action, role=role: CALLS[action](o, users[role]))
            _refresh(o)
            if expected == OK and got != OK:
                mismatches.append(f"{state}/{action}/{role}: refused ({got}), expected allowed")
            elif expected != OK and (got == OK or not re.search(expected, got)):
                mismatches.append(f"{state}/{action}/{role}: {got!r} does not match {expected}")
    assert not mismatches, "\n".join(mismatches)


def test_the_table_covers_every_action_in_every_state():
    assert set(FOR_ACTOR) == set(STATES)
    assert all(set(row) == set(ACTIONS) for row in FOR_ACTOR.values())
    assert {name for name in services.__all__} - set(ACTIONS) == {
        "eligible_experts",  # a query, not an action
        "evaluation_complete",  # complete_evaluation: a project transition (projects matrix)
        "evaluation_start",  # start_evaluation: likewise; both in test_post_evaluation.py
        "meeting_create",  # no state: test_stateless_actions_are_the_offices
        "review_accept",  # accept_for_review: a project transition (projects matrix)
        "review_open",  # fired by review_accept
        "round_create",  # no state: test_stateless_actions_are_the_offices
    }


def test_stateless_actions_are_the_offices():
    import datetime as dt

    actors = Actors()
    members = make_committee(actors, 2)
    calls = {
        "meeting_create": lambda u: services.meeting_create(
            jurisdiction=actors.jurisdiction,
            title="第2次联审会议",
            held_on=dt.date(2026, 12, 1),
            members=members,
            by=u,
        ),
        "round_create": lambda u: services.round_create(
            jurisdiction=actors.jurisdiction, kind="adhoc", year=2026, batch=9, by=u
        ),
    }
    users = actors.by_role()
    for action, call in calls.items():
        got = {role: _outcome(lambda call=call, role=role: call(users[role])) for role in ROLES}
        assert got == {
            role: OK if role == "office" else "只有牵头部门可以办理" for role in ROLES
        }, action
