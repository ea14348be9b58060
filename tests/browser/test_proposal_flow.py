"""A department writes, checks and submits a proposal; the office returns it (Chromium)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import Actors, plan_item, platform

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
PDF = b"%PDF-1.4\n%browser\n%%EOF\n"


def login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Test-2026")
    page.click("button:has-text('登录')")
    expect(page.locator(".page-title").first).to_have_text("工作台")


@pytest.fixture
def csp_violations(page):
    """Console errors the Content-Security-Policy raised while the test drove the page."""
    found = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return found


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_write_preflight_submit_and_return(page, live_server, tmp_path, csp_violations):
    actors = Actors()
    item = plan_item(actors.jurisdiction)
    platform()

    login(page, live_server, actors.officer)
    page.click("text=项目台账")
    page.click("text=新建项目申报")
    page.fill("#id_name", "智慧城市运行管理中心")
    page.select_option("#id_category", "new")
    page.select_option("#id_channel", "annual")
    page.select_option("#id_plan_item", str(item.pk))
    page.fill("#id_start_year", "2026")
    page.fill("#id_end_year", "2026")
    page.fill("#id_summary", "建设城市运行管理中心，一网观全城。")
    page.fill("#id_invest_hardware", "80")
    page.fill("#id_invest_security", "5")
    page.select_option("#id_protection_level", "2")
    page.select_option("#id_deployment", "gov_cloud")
    page.select_option("#id_network", "extranet")
    page.check("text=统一身份认证")
    page.fill("#id_data-0-name", "城市运行指标数据")
    page.select_option("#id_data-0-sharing_mode", "conditional")
    page.locator("#id_summary").click()
    # Live preflight: security share 5/85 < 10% is a warning until more is invested.
    expect(page.locator('[data-rule="R1"]')).to_have_attribute("data-status", "warning")
    page.fill("#id_invest_security", "10")
    page.locator("#id_summary").click()
    expect(page.locator('[data-rule="R1"]')).to_have_attribute("data-status", "pass")
    expect(page.locator("#total-wan")).to_have_text("90.00")
    shot(page, "01-proposal-form")
    page.click("button:has-text('保存草稿')")
    expect(page.locator(".alert-success")).to_contain_text("已保存草稿")

    page.click("button[data-bs-target='#attachments']")
    page.select_option("select[name=kind]", "data_catalogue")
    page.set_input_files(
        "input[name=file]",
        {"name": "数据资源目录.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.click("button:has-text('上传')")
    expect(page.locator(".alert-success")).to_contain_text("附件已上传")

    page.click("#actions button:has-text('提交申报')")
    page.click("#modal-submit button:has-text('确定提交申报')")
    expect(page.locator(".alert-danger.alert-dismissible")).to_contain_text("单位负责人确认")
    detail_url = page.url

    login(page, live_server, actors.head)
    page.goto(detail_url)
    page.click("button:has-text('负责人确认')")
    expect(page.locator(".alert-success")).to_contain_text("已确认")

    login(page, live_server, actors.officer)
    page.goto(detail_url)
    page.click("#actions button:has-text('提交申报')")
    page.click("#modal-submit button:has-text('确定提交申报')")
    expect(page.locator("#project-status")).to_have_text("已申报")

    login(page, live_server, actors.office)
    expect(page.locator("text=待形式审查的申报")).to_be_visible()
    page.goto(detail_url)
    page.click("#actions button:has-text('退回修改')")
    page.fill("#modal-return_ textarea", "请补充与市数据共享交换平台的对接方案。")
    page.click("#modal-return_ button:has-text('确定退回修改')")
    expect(page.locator("#project-status")).to_have_text("退回修改")
    page.click("button[data-bs-target='#timeline']")
    expect(page.locator("#timeline")).to_contain_text("请补充与市数据共享交换平台的对接方案")
    expect(page.locator("#timeline")).to_be_visible()
    page.wait_for_timeout(300)  # let the tab fade finish before the screenshot
    shot(page, "02-returned-timeline")

    login(page, live_server, actors.officer)
    expect(page.locator("text=被退回待修改的项目")).to_be_visible()
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("table")).to_contain_text("智慧城市运行管理中心")
    expect(page.get_by_text(re.compile("退回修改")).first).to_be_visible()
    shot(page, "03-ledger")
    assert not csp_violations, csp_violations
