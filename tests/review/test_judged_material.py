"""Reviewers see what they judge (issue 9 item 8): on the review page and in the report PDF."""

import pytest
from django.urls import reverse

from projects import services as project_services
from tests.factories import Actors, draft_project, project_in
from tests.review.test_views import _text

pytestmark = pytest.mark.django_db


def _reviewed_project():
    actors = Actors()
    project_in(actors, "submitted", name="统一电子证照管理系统")
    mine = draft_project(actors, name="统一电子证照管理系统二期", invest_security=0)
    for rule_id, text in [
        ("R1", "安全能力复用市网络安全管理中心，不另行采购。"),
        ("R7", "二期只建设证照共享接口，与一期不重叠。"),
    ]:
        project_services.justification_set(
            project=mine, rule_id=rule_id, text=text, by=actors.officer
        )
    project_services.project_confirm(project=mine, by=actors.head)
    project_services.project_submit(project=mine, by=actors.officer)
    from review.services import review_accept

    mine = review_accept(project=mine, by=actors.office)
    return actors, mine.reviews.get()


EXPECTED = [
    "安全能力复用市网络安全管理中心，不另行采购。",  # R1 justification
    "二期只建设证照共享接口，与一期不重叠。",  # R7 justification
    "统一电子证照管理系统",  # the R7 hit
    "人口基础数据",  # data resource
    "有条件共享",
    "材料.pdf",  # attachment
    "投资概算构成",
    "硬件",
]


def test_review_page_shows_breakdown_justifications_data_and_attachments(client):
    actors, review = _reviewed_project()
    client.force_login(actors.reviewer)
    html = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    for text in [*EXPECTED, "查重时间", "R1 网络安全投入占比不低于10%"]:
        assert text in html, text


def test_review_report_pdf_carries_the_same_material(client):
    actors, review = _reviewed_project()
    client.force_login(actors.office)
    report = _text(client.get(reverse("review:report_pdf", args=[review.pk])))
    for text in EXPECTED:
        assert text in report.replace("\n", ""), text
