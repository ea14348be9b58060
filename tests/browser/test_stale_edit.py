"""Two officers open the same draft in two browsers and save both: the second is refused."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from projects.models import Project
from tests.browser.test_proposal_flow import login, shot
from tests.factories import Actors, UserFactory, draft_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_second_save_of_the_same_draft_is_refused_and_keeps_the_input(browser, live_server):
    actors = Actors()
    colleague = UserFactory(organisation=actors.department, roles=[Role.DEPT_OFFICER])
    project = draft_project(actors)
    pages = []
    for user in (actors.officer, colleague):
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        login(page, live_server, user)
        page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
        pages.append(page)
    first, second = pages
    first.fill("#id_summary", "甲：扩容政务云计算资源并接入统一运维。")
    first.fill("#id_name", "政务云扩容（甲修改）")
    second.fill("#id_summary", "乙：扩容存储资源。")

    first.click("button:has-text('保存草稿')")
    expect(first.locator(".alert-success")).to_contain_text("已保存草稿")
    second.click("button:has-text('保存草稿')")

    alert = second.locator(".alert-danger.alert-dismissible")
    expect(alert).to_contain_text("保存失败：该草稿已于")
    expect(alert).to_contain_text(f"由 {actors.officer} 修改申报信息（项目名称、建设内容）")
    expect(second.locator("#id_summary")).to_have_value("乙：扩容存储资源。")
    shot(second, "10-stale-draft-refused")
    row = Project.objects.get(pk=project.pk)
    assert row.summary == "甲：扩容政务云计算资源并接入统一运维。"
