"""Pages under the Content-Security-Policy: lockout, 404, confirmations, forms, chart (Chromium)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from review import services as review_services
from review.models import AgendaItem
from tests.browser.test_proposal_flow import login, shot
from tests.factories import Actors, building_project, make_committee, meeting_with, project_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def csp_violations(page):
    found = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found


def test_lockout_message_and_404_page(page, live_server, csp_violations):
    actors = Actors()
    page.goto(f"{live_server.url}/login/")
    for _ in range(5):
        page.fill("#id_username", actors.officer.username)
        page.fill("#id_password", "wrong-password")
        page.click("button:has-text('登录')")
    expect(page.locator("#lockout")).to_contain_text("已被锁定 30 分钟")
    shot(page, "10-login-lockout")
    login(page, live_server, actors.office)
    page.goto(f"{live_server.url}/projects/999999/")
    expect(page.locator("h1")).to_contain_text("页面不存在")
    shot(page, "11-not-found")
    assert not csp_violations, csp_violations


def test_confirm_agenda_choice_and_chart_work_without_inline_script(
    page, live_server, csp_violations
):
    actors = Actors()
    review = project_in(actors, "in_review").reviews.get()
    members = make_committee(actors, 3)
    first = meeting_with(actors, members)
    second = review_services.meeting_create(
        jurisdiction=actors.jurisdiction,
        title="2026年第2次联审会议",
        held_on=dt.date.today(),  # votes close only from the meeting's day
        members=members,
        by=actors.office,
    )
    login(page, live_server, actors.office)
    # The agenda form posts to the meeting chosen in its <select> (data-action-from).
    page.goto(f"{live_server.url}/review/{review.pk}/")
    page.select_option(
        "#agenda-form select[name=meeting]", label=f"{second}（{second.held_on:%Y-%m-%d}）"
    )
    page.click("#agenda-form button")
    expect(page.locator(".alert-success")).to_contain_text("已列入议程")
    item = AgendaItem.objects.get(review=review)
    assert item.meeting_id == second.pk != first.pk
    # Closing a vote asks first (data-confirm); dismissing changes nothing.
    page.goto(f"{live_server.url}/review/meetings/{second.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button:has-text('结束表决')")
    item.refresh_from_db()
    assert item.closed_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('结束表决')")
    expect(page.locator(".alert-success")).to_contain_text("已结束表决")
    # The budget execution chart (vendored ECharts, data from json_script) draws.
    building_project(actors, name="政务协同办公平台及移动端")
    login(page, live_server, actors.finance)
    page.goto(f"{live_server.url}/budget/execution/?year=2026&group=project")
    expect(page.locator("#chart canvas")).to_have_count(1)
    shot(page, "12-execution-chart")
    assert not csp_violations, csp_violations
