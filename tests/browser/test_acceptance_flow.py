"""The department applies for acceptance with an incomplete checklist and is told what is
missing; the office records the acceptance conclusion with a finding; the department answers
it and the office closes it (Chromium)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_proposal_flow import csp_violations as csp_violations
from tests.browser.test_proposal_flow import login, shot
from tests.factories import (
    acceptance_ready,
    acceptance_requested,
    acceptance_reviewed,
    building_project,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_apply_decide_rectify_and_close(page, live_server, csp_violations):
    from tests.factories import Actors

    actors = Actors()
    incomplete, _, _ = building_project(actors, name="政务数据安全分类分级平台")
    ready, _, _ = building_project(actors, name="城市运行管理中心")
    acceptance_ready(actors, ready)
    acceptance_reviewed(actors, acceptance_requested(actors, ready))

    login(page, live_server, actors.officer)
    page.goto(f"{live_server.url}/projects/{incomplete.pk}/")
    page.click("a:has-text('验收')")
    page.click("#request button")
    expect(page.locator(".alert-danger")).to_contain_text("R8 验收清单不完整，不能申请验收")
    expect(page.locator(".alert-danger")).to_contain_text("上线前风险评估报告（未上传）")
    shot(page, "acceptance-refused")

    login(page, live_server, actors.office)
    page.goto(f"{live_server.url}/acceptance/projects/{ready.pk}/")
    page.select_option("#decide select[name=decision]", "rectify")
    page.fill("#decide textarea[name=opinion]", "日志审计未开启，须整改后重新申请。")
    page.fill("#decide input[name=f_text_0]", "日志审计功能未开启")
    page.fill("#decide input[name=f_deadline_0]", "2099-12-31")
    page.fill("#decide input[name=f_owner_0]", "系统管理员")
    page.click("#decide button")
    expect(page.locator("#project-status")).to_have_text("整改中")
    shot(page, "acceptance-rectify")

    login(page, live_server, actors.officer)
    page.goto(f"{live_server.url}/acceptance/register/")
    page.click("a:has-text('日志审计功能未开启')")
    page.fill("#respond-form textarea[name=response]", "已开启日志审计并留存六个月。")
    page.click("#respond-form button")
    expect(page.locator("#item-status")).to_have_text("已反馈待销号")

    login(page, live_server, actors.office)
    page.goto(f"{live_server.url}/acceptance/register/?status=responded")
    page.click("a:has-text('日志审计功能未开启')")
    page.click("#action-close button")
    expect(page.locator("#item-status")).to_have_text("已销号")
    shot(page, "acceptance-item-closed")
    assert csp_violations == []
