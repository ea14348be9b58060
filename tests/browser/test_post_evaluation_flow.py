"""The office post-evaluates an accepted project in the browser: the list with its flag,
start, draw the panel, the experts score, close, a refused empty conclusion, complete; then
the fund page after a termination shows the released budget (Chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects import services as project_services
from review import selectors
from review import services as review_services
from review.models import PostEvaluation
from tests.browser.test_proposal_flow import login, shot
from tests.evaluation_factories import accepted_project
from tests.factories import Actors, building_project, make_expert

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_post_evaluation_and_released_budget(page, live_server):
    actors = Actors()
    project, _, _ = accepted_project(actors)
    for _ in range(3):
        make_expert(actors)
    login(page, live_server, actors.office)
    page.goto(f"{live_server.url}/review/evaluations/")
    row = page.locator("#evaluations tbody tr").first
    expect(row).to_contain_text(project.name)
    expect(row).to_contain_text("未到期")
    row.locator("button:has-text('启动后评价')").click()
    expect(page.locator(".alert-success").first).to_contain_text("已启动后评价")
    page.fill("input[name=size]", "3")
    page.click("button:has-text('随机抽取')")
    expect(page.locator("#panel tbody tr")).to_have_count(3)

    evaluation = PostEvaluation.objects.get(project=project)
    criteria = selectors.criteria_for(
        jurisdiction_id=actors.jurisdiction.pk, occasion="post_evaluation"
    )
    for seat, value in zip(evaluation.review.panel.members.all(), (88, 92, 95), strict=True):
        review_services.score_submit(
            member=seat, values={c[0]: Decimal(value) for c in criteria}, by=seat.expert.user
        )
    page.reload()
    page.fill("textarea[name=conclusion]", "评分尚未结束时提交")
    page.click("button:has-text('完成后评价')")
    expect(page.locator(".alert-danger").first).to_contain_text("后评价专家评分尚未结束")
    page.click("button:has-text('结束专家评分')")
    page.evaluate("document.querySelector('textarea[name=conclusion]').removeAttribute('required')")
    page.click("button:has-text('完成后评价')")
    expect(page.locator(".alert-danger").first).to_contain_text("请填写后评价结论与建议")
    page.fill("textarea[name=conclusion]", "系统运行稳定，数据共享到位。")
    page.click("button:has-text('完成后评价')")
    expect(page.locator("#result")).to_contain_text("91.67")
    expect(page.locator("#result")).to_contain_text("优秀")
    shot(page, "20-post-evaluation-completed")

    other, _, _ = building_project(actors, name="城市停车柔性执法平台")
    project_services.project_terminate(project=other, by=actors.office, reason="并入省级平台")
    login(page, live_server, actors.finance)
    page.goto(f"{live_server.url}/budget/")
    expect(page.locator("#released")).to_contain_text("城市停车柔性执法平台")
    expect(page.locator("#released")).to_contain_text("100.00")
    shot(page, "21-fund-released-budget")
