import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from review import services
from review.models import Outcome, Vote
from tests.factories import (
    Actors,
    make_committee,
    make_expert,
    meeting_with,
    project_in,
    ready_for_decision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages)


def test_review_report_and_approval_notice_pdfs_carry_the_chinese_name(actors, client):
    item = ready_for_decision(actors, fiscal_amount=Decimal("800000"))
    review = services.review_decide(item=item, decision="approve", by=actors.office)
    client.force_login(actors.office)
    report = _text(client.get(reverse("review:report_pdf", args=[review.pk])))
    assert "统一政务云基础设施扩容" in report and "评审报告" in report
    notice = _text(client.get(reverse("review:notice_pdf", args=[review.pk])))
    assert "统一政务云基础设施扩容" in notice
    assert "核定项目总投资80万元" in "".join(notice.split())
    minutes = _text(client.get(reverse("review:minutes_pdf", args=[item.meeting_id])))
    assert "统一政务云基础设施扩容" in minutes and "会议纪要" in minutes


def test_notice_is_404_until_approved(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    client.force_login(actors.office)
    assert client.get(reverse("review:notice_pdf", args=[review.pk])).status_code == 404


def test_other_department_and_unassigned_expert_get_404(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    url = reverse("review:detail", args=[review.pk])
    outsider = make_expert(actors).user
    own_employee_expert = make_expert(actors, employer=actors.department).user
    for user in (actors.other_officer, outsider, own_employee_expert):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("review:report_pdf", args=[review.pk])).status_code == 404


def test_drawn_expert_sees_the_review_but_not_scores_before_close(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    experts = [make_expert(actors) for _ in range(2)]
    panel = services.panel_draw(review=review, size=2, by=actors.office)
    first = panel.members.get(expert=experts[0])
    services.score_submit(
        member=first,
        values={
            c: 77 for c in ("necessity", "feasibility", "design", "investment", "reuse", "security")
        },
        by=experts[0].user,
    )
    client.force_login(experts[1].user)
    page = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "统一政务云基础设施扩容" in page
    assert "77.00" not in page and "评分中（结束前评分不公开）" in page


def test_reviewing_unit_sees_assigned_projects_only(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    cryptography = actors.reviewers["cryptography"]  # not required below 等保 level 3
    client.force_login(cryptography)
    assert client.get(reverse("review:detail", args=[review.pk])).status_code == 404
    client.force_login(actors.reviewer)
    page = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "签署意见" in page


def test_reviewer_signs_opinion_through_the_page(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    task = review.tasks.get(function="security")
    client.force_login(actors.reviewer)
    response = client.post(
        reverse("review:opinion", args=[task.pk]),
        {"conclusion": "agree", "text": "同意，须同步等保测评", "version": 0},
        follow=True,
    )
    assert "意见已签署" in response.content.decode()
    assert task.opinions.get().text == "同意，须同步等保测评"


def test_member_votes_with_htmx_and_gets_the_row_back(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    members = make_committee(actors, 3)
    meeting = meeting_with(actors, members)
    item = services.agenda_add(meeting=meeting, review=review, by=actors.office)
    client.force_login(members[0])
    listing = client.get(reverse("review:votes")).content.decode()
    assert f'id="item-{item.pk}"' in listing
    url = reverse("review:vote", args=[item.pk])
    response = client.post(url, {"choice": "reject"}, HTTP_HX_REQUEST="true")
    assert "已记录您的表决：不同意" in response.content.decode()
    response = client.post(url, {"choice": "approve"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "已记录您的表决：同意" in body
    assert Vote.objects.get(item=item, member=members[0]).choice == "approve"
    services.item_close(item=item, by=actors.office)
    response = client.post(url, {"choice": "reject"}, HTTP_HX_REQUEST="true")
    assert "已结束表决" in response.content.decode()


def test_non_member_cannot_vote(actors, client):
    review = project_in(actors, "in_review").reviews.get()
    members = make_committee(actors, 3)
    item = services.agenda_add(
        meeting=meeting_with(actors, members), review=review, by=actors.office
    )
    stranger = make_committee(actors, 1)[0]
    client.force_login(stranger)
    assert (
        client.post(reverse("review:vote", args=[item.pk]), {"choice": "approve"}).status_code
        == 404
    )


def test_office_decides_through_the_page_and_guard_message_is_shown(actors, client):
    item = ready_for_decision(actors, votes=("reject", "reject", "approve"))
    client.force_login(actors.office)
    url = reverse("review:decide", args=[item.pk])
    page = client.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert f"与会议表决结果“{Outcome.REJECT.label}”不一致" in page
    page = client.post(url, {"decision": "reject", "comment": "重复建设"}, follow=True)
    assert "已记录联审决定" in page.content.decode()
    item.review.project.refresh_from_db()
    assert item.review.project.status == "rejected"


@pytest.mark.parametrize(
    "name",
    ["review:index", "review:meetings", "review:cycle_time"],
)
def test_office_pages_render_and_others_are_refused(actors, client, name):
    item = ready_for_decision(actors)
    client.force_login(actors.office)
    page = client.get(reverse(name)).content.decode()
    shown = item.meeting.title if name == "review:meetings" else item.review.project.name
    assert shown in page
    client.force_login(actors.officer)
    response = client.get(reverse(name))
    if name == "review:index":  # everyone else's review start page is their own work list
        assert response["Location"] == reverse("review:mine")
    else:
        assert response.status_code == 403


def test_office_index_lists_reviews_and_cycle_time_lists_steps(actors, client):
    item = ready_for_decision(actors)
    client.force_login(actors.office)
    assert "统一政务云基础设施扩容" in client.get(reverse("review:index")).content.decode()
    page = client.get(reverse("review:cycle_time")).content.decode()
    assert "书面意见" in page and "专家评分" in page
    meeting = client.get(reverse("review:meeting", args=[item.meeting_id])).content.decode()
    assert Outcome.APPROVE.label in meeting


def test_todos_count_review_work(actors):
    from core.todo import todos_for

    review = project_in(actors, "in_review").reviews.get()
    labels = {t.label: t.count for t in todos_for(actors.reviewer)}
    assert labels["待出具的审查意见"] == 1
    office = {t.label: t.count for t in todos_for(actors.office)}
    assert office["待抽取专家的评审"] == 1
    members = make_committee(actors, 3)
    services.agenda_add(meeting=meeting_with(actors, members), review=review, by=actors.office)
    assert {t.label: t.count for t in todos_for(members[0])}["待表决的议题"] == 1


def test_configured_two_thirds_rule_and_quorum_apply(actors):
    from review.models import ReviewSettings

    ReviewSettings.objects.create(
        jurisdiction=actors.jurisdiction,
        quorum_numerator=1,
        quorum_denominator=2,
        approval_rule="two_thirds",
    )
    item = ready_for_decision(actors, votes=("approve", "approve", "approve", "reject", "reject"))
    assert item.result == "reject"  # 3 of 5 is a majority but not two thirds


REVIEW_DETAIL_QUERIES = 36  # the first request computes every app's to-dos (cached after)


@pytest.mark.parametrize("voters", [3, 30])
def test_review_detail_query_count_is_pinned_whatever_the_votes(
    actors, client, voters, django_assert_num_queries
):
    item = ready_for_decision(actors, votes=("approve",) * voters)
    client.force_login(actors.office)
    with django_assert_num_queries(REVIEW_DETAIL_QUERIES):
        response = client.get(reverse("review:detail", args=[item.review_id]))
    assert item.tally["approve"] == voters
    assert response.context["review"] == item.review


def test_opinion_attachment_downloads_for_viewers_and_404_for_others(actors, client):
    from tests.factories import upload

    review = project_in(actors, "in_review").reviews.get()
    task = review.tasks.get(function="security")
    opinion = services.opinion_sign(
        task=task,
        version=0,
        conclusion="agree",
        text="同意",
        attachment=upload("意见.pdf"),
        by=actors.reviewer,
    )
    url = reverse("review:opinion_attachment", args=[opinion.pk])
    client.force_login(actors.office)
    assert b"%PDF" in b"".join(client.get(url).streaming_content)
    client.force_login(actors.other_officer)
    assert client.get(url).status_code == 404


def test_hostile_opinion_attachment_is_refused_and_nothing_is_signed(actors):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.permissions import WorkflowError

    task = project_in(actors, "in_review").reviews.get().tasks.get(function="security")
    fake = SimpleUploadedFile("意见.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(WorkflowError, match="文件内容与扩展名"):
        services.opinion_sign(
            task=task,
            version=0,
            conclusion="agree",
            text="同意",
            attachment=fake,
            by=actors.reviewer,
        )
    assert not task.opinions.exists()


def test_project_page_links_to_its_review(client):
    from tests.factories import Actors, project_in

    actors = Actors()
    project = project_in(actors, "in_review")
    client.force_login(actors.officer)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    review = project.reviews.get()
    assert f'href="/review/{review.pk}/"' in html
    assert project.name in client.get(f"/review/{review.pk}/").content.decode()


def test_attendance_button_sets_the_state_it_shows_so_a_double_click_does_not_flip_back(
    actors, client
):
    members = make_committee(actors, 2)
    meeting = meeting_with(actors, members, present=[])
    seat = meeting.members.get(user=members[0])
    client.force_login(actors.office)
    page = client.get(reverse("review:meeting", args=[meeting.pk])).content.decode()
    url = reverse("review:attendance", args=[meeting.pk, seat.pk])
    assert f'action="{url}"><input type="hidden" name="csrfmiddlewaretoken"' in page
    assert 'name="present" value="1"' in page  # both seats are absent: the button marks present
    for _ in range(2):  # the same form posted twice
        client.post(url, {"present": "1"})
    seat.refresh_from_db()
    assert seat.present is True
    client.post(url, {"present": "0"})
    seat.refresh_from_db()
    assert seat.present is False
    assert client.post(url, {}).status_code == 404
