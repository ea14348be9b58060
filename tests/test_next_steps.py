"""Issue 9 items 3–4: a to-do for every next step, linking to where it is done; the project
page's stage bar (durations from the transition history) and payment timeline labels."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.todo import todos_for
from projects import services
from projects.stages import stage_bar
from review import services as review_services
from tests.factories import (
    Actors,
    approved_project,
    building_project,
    disbursement_in,
    give_opinions,
    make_expert,
    project_in,
    special_fund,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def _todo(user, label):
    return next((t for t in todos_for(user) if t.label.startswith(label)), None)


def _ledger_rows(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_finance_and_officer_get_their_next_step_linking_to_the_rows(client, actors):
    special_fund(actors, "50000000", 2026)
    project = approved_project(actors, "1000000")
    todo = _todo(actors.finance, "已批复待列入预算的项目")
    assert todo.count == 1 and todo.url.startswith(reverse("projects:ledger"))
    assert _ledger_rows(client, actors.finance, todo.url) == 1
    assert _todo(actors.officer, "已列入预算待登记合同") is None
    from budget import services as budget

    budget.list_in_budget(
        project=project, allocations=[(2026, Decimal("1000000"))], by=actors.finance
    )
    assert _todo(actors.finance, "已批复待列入预算的项目") is None
    todo = _todo(actors.officer, "已列入预算待登记合同")
    assert todo.count == 1 and _ledger_rows(client, actors.officer, todo.url) == 1
    assert _todo(actors.other_officer, "已列入预算待登记合同") is None  # another department


def test_office_gets_closing_a_full_panel_then_scheduling_for_a_meeting(client, actors):
    from review import selectors

    project = project_in(actors, "in_review")
    review = project.reviews.get(status="open")
    for _ in range(3):
        make_expert(actors)
    panel = review_services.panel_draw(review=review, size=3, by=actors.office)
    criteria = selectors.criteria_for(jurisdiction_id=actors.jurisdiction.pk, occasion="approval")
    seats = list(panel.members.select_related("expert__user"))
    for seat in seats[:2]:
        review_services.score_submit(
            member=seat, values={c[0]: 80 for c in criteria}, by=seat.expert.user
        )
    assert _todo(actors.office, "评分已齐待结束专家评审") is None  # one score missing
    review_services.score_submit(
        member=seats[2], values={c[0]: 80 for c in criteria}, by=seats[2].expert.user
    )
    todo = _todo(actors.office, "评分已齐待结束专家评审")
    assert todo.count == 1 and todo.url == "/review/?todo=close_panel"
    client.force_login(actors.office)
    page = client.get(todo.url)
    assert [r.pk for r in page.context["reviews"]] == [review.pk]
    assert "评分已齐待结束专家评审" in page.content.decode()
    review_services.panel_close(panel=panel, by=actors.office)
    assert _todo(actors.office, "评分已齐待结束专家评审") is None
    assert _todo(actors.office, "待列入联审会议的评审") is None  # opinions still missing
    give_opinions(actors, review, fiscal_amount=project.total_investment)
    todo = _todo(actors.office, "待列入联审会议的评审")
    assert todo.count == 1 and todo.url == "/review/?todo=schedule"
    assert [r.pk for r in client.get(todo.url).context["reviews"]] == [review.pk]
    from tests.factories import make_committee, meeting_with

    meeting = meeting_with(actors, make_committee(actors, 3))
    review_services.agenda_add(meeting=meeting, review=review, by=actors.office)
    assert _todo(actors.office, "待列入联审会议的评审") is None


def test_officer_workspace_has_a_new_project_button(client, actors):
    client.force_login(actors.officer)
    page = client.get("/").content.decode()
    assert 'id="new-project"' in page and reverse("projects:create") in page
    client.force_login(actors.finance)
    assert 'id="new-project"' not in client.get("/").content.decode()


def test_stage_bar_shows_where_the_project_is_and_how_long_each_stage_took(client, actors):
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    actors.round.opens_on = dt.date(2026, 3, 1)
    actors.round.save()
    with time_machine.travel(start, tick=False):
        project = project_in(actors, "draft")
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        services.project_confirm(project=project, by=actors.head)
        project = services.project_submit(project=project, by=actors.officer)
    with time_machine.travel(start + dt.timedelta(days=5), tick=False):
        project = review_services.review_accept(project=project, by=actors.office)
    now = start + dt.timedelta(days=12, hours=3)
    bar = stage_bar(project, list(project.audit_events.all()), now=now)
    assert [(s.label, s.state, s.duration) for s in bar[:4]] == [
        ("申报", "done", "2天"),
        ("审查", "done", "3天"),
        ("联审", "current", "7天"),
        ("批复", "todo", ""),
    ]
    assert all(s.state == "todo" and s.days is None for s in bar[3:])
    with time_machine.travel(now, tick=False):
        project = services.project_suspend(project=project, by=actors.office, reason="统筹论证")
    bar = stage_bar(project, list(project.audit_events.all()), now=now + dt.timedelta(days=30))
    assert bar[2].state == "current" and bar[2].note == "已暂停" and bar[2].duration == "7天"
    client.force_login(actors.officer)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="stage-bar"' in page and "已暂停" in page


def test_payment_timeline_names_the_request_and_its_own_states(client, actors):
    project, line, contract = building_project(actors)
    signing = contract.milestones.order_by("seq").first()
    disbursement_in(actors, "paid", project=project, line=line, milestone=signing, amount="100000")
    disbursement_in(
        actors, "approved", project=project, line=line, milestone=signing, amount="200000"
    )
    client.force_login(actors.officer)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    page = re.sub(r"<[^>]+>", "", html)
    assert "第2笔 20万元（签订合同）：待审批 → 已审批待支付" in page
    assert "第1笔 10万元（签订合同）：已审批待支付 → 已支付" in page
    assert "第2笔 20万元（签订合同）：新建 → 草稿" in page
    for code in ("draft", "submitted", "verified", "approved", "paid"):
        assert f"→ {code}" not in page and f"{code} →" not in page
