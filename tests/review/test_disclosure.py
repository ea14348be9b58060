"""SPEC §2 and §4: who sees reviewer identities, who reads meetings and cycle time, which
projects the reviewers' to-do lists hold, and where notifications link."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import Notification
from core.permissions import WorkflowError
from projects import services as project_services
from review import services
from review.models import Vote
from tests.factories import (
    Actors,
    UserFactory,
    make_expert,
    project_in,
    ready_for_decision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


@pytest.fixture
def decided(actors):
    """A review whose panel is closed and whose agenda item is voted and closed, with the
    experts' and committee members' names and employers."""
    item = ready_for_decision(actors, votes=("approve", "approve", "reject"))
    review = item.review
    panel = review.panel
    experts = [m.expert for m in panel.members.select_related("expert__user", "expert__employer")]
    members = [v.member for v in Vote.objects.filter(item=item).select_related("member")]
    return review, experts, members


def _identities(experts, members):
    names = [e.user.full_name for e in experts] + [m.full_name for m in members]
    employers = [e.employer.name for e in experts]
    scores = [f"{m.total}" for m in experts[0].panel_seats.all()]
    return names, employers, scores


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def _pages(client, review):
    project = review.project
    return {
        "review": client.get(reverse("review:detail", args=[review.pk])).content.decode(),
        "project": client.get(reverse("projects:detail", args=[project.pk])).content.decode(),
        "report": _pdf_text(client.get(reverse("review:report_pdf", args=[review.pk]))),
    }


@pytest.mark.parametrize("role", ["officer", "head"])
def test_applicant_department_never_sees_reviewer_identities(client, actors, decided, role):
    review, experts, members = decided
    names, employers, scores = _identities(experts, members)
    client.force_login(getattr(actors, role))
    pages = _pages(client, review)
    for where, text in pages.items():
        for secret in names + employers:
            assert secret not in text, (where, secret)
    assert "专家姓名、工作单位和个人评分不公开" in pages["review"]
    assert "专家姓名、工作单位和个人评分不予公开" in pages["report"]
    # the panel score, the opinions and the tally stay visible
    assert str(review.panel.score) in pages["review"] and str(review.panel.score) in pages["report"]
    assert "同意 2、不同意 1" in pages["review"]
    assert "同意。" in pages["review"]
    for score in scores:
        assert f'<td class="text-end">{score}</td>' not in pages["review"]
    assert "专家评分" in pages["project"] and "评审专家" in pages["project"]


@pytest.mark.parametrize("role", ["office", "leader", "auditor"])
def test_office_leaders_and_auditors_see_reviewer_identities(client, actors, decided, role):
    review, experts, members = decided
    names, employers, _ = _identities(experts, members)
    client.force_login(getattr(actors, role))
    pages = _pages(client, review)
    for expert in experts:
        assert expert.user.full_name in pages["review"]
        assert expert.user.full_name.replace(" ", "") in pages["report"]
        assert expert.employer.name in pages["review"]
    for member in members:
        assert member.full_name in pages["project"]  # who voted, on the timeline


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leaders_and_auditors_read_meetings_minutes_and_cycle_time(client, actors, decided, role):
    review, *_ = decided
    meeting = review.agenda_items.get().meeting
    client.force_login(getattr(actors, role))
    listing = client.get(reverse("review:meetings"))
    page = client.get(reverse("review:meeting", args=[meeting.pk]))
    minutes = client.get(reverse("review:minutes_pdf", args=[meeting.pk]))
    cycle = client.get(reverse("review:cycle_time"))
    assert [r.status_code for r in (listing, page, minutes, cycle)] == [200] * 4
    html = listing.content.decode() + page.content.decode()
    assert meeting.title in html and review.project.name in html
    forms = html.count('method="post"') - html.count('action="/logout/"')
    assert forms == 0
    for action in ("安排会议", "结束表决", "列入议程", "记录决定", "点击切换"):
        assert action not in html, action
    assert client.post(reverse("review:meetings"), {"title": "x"}).status_code == 403
    attendance = reverse("review:attendance", args=[meeting.pk, meeting.members.first().pk])
    assert client.post(attendance).status_code == 403


def test_departments_do_not_read_meetings_or_cycle_time(client, actors, decided):
    review, *_ = decided
    meeting = review.agenda_items.get().meeting
    client.force_login(actors.officer)
    for url in (
        reverse("review:meetings"),
        reverse("review:meeting", args=[meeting.pk]),
        reverse("review:minutes_pdf", args=[meeting.pk]),
        reverse("review:cycle_time"),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("action", ["suspend", "terminate"])
def test_reviewers_and_experts_lists_hold_only_projects_in_review(client, actors, action):
    project = project_in(actors, "in_review", name="暂停后不应出现的项目")
    review = project.reviews.get()
    make_expert(actors)
    panel = services.panel_draw(review=review, size=1, by=actors.office)
    seat = panel.members.get()
    getattr(project_services, f"project_{action}")(project=project, by=actors.office, reason="x")
    task = review.tasks.get(function="security")
    for user in (actors.reviewer, seat.expert.user):
        client.force_login(user)
        mine = client.get(reverse("review:mine")).content.decode()
        assert project.name not in mine
        assert (
            'name="conclusion"'
            not in client.get(reverse("review:detail", args=[review.pk])).content.decode()
        )
        home = client.get("/").content.decode()
        assert "待出具的审查意见" not in home and "待评分的项目" not in home
    with pytest.raises(WorkflowError, match="不在联审中"):
        services.opinion_sign(
            task=task, version=0, conclusion="agree", text="同意", by=actors.reviewer
        )
    with pytest.raises(WorkflowError, match="不在联审中"):
        services.score_submit(member=seat, values={}, by=seat.expert.user)


def test_expert_in_conflict_is_not_drawn_cannot_see_and_cannot_score(client, actors):
    project = project_in(actors, "in_review")
    review = project.reviews.get()
    declared = make_expert(actors, conflicts=[actors.department])
    employed = make_expert(actors, employer=actors.department)
    clean = make_expert(actors)
    assert list(services.eligible_experts(review)) == [clean]
    panel = services.panel_draw(review=review, size=1, by=actors.office)
    seat = panel.members.get()
    # a conflict declared after the draw: the expert loses the project and may not score
    clean.conflicts.add(actors.department)
    for expert in (declared, employed, clean):
        client.force_login(expert.user)
        assert client.get(reverse("review:detail", args=[review.pk])).status_code == 404
    with pytest.raises(WorkflowError, match="利害关系"):
        services.score_submit(member=seat, values={}, by=clean.user)


def test_a_notification_links_only_while_its_target_is_visible(client, actors):
    project = project_in(actors, "in_review")
    review = project.reviews.get()
    moved = UserFactory(organisation=actors.department, roles=["dept_officer"])
    Notification.objects.create(recipient=moved, text="项目通知", url=f"/projects/{project.pk}/")
    Notification.objects.create(recipient=moved, text="评审通知", url=f"/review/{review.pk}/")
    Notification.objects.create(recipient=moved, text="待办通知", url="/review/mine/")
    client.force_login(moved)
    page = client.get(reverse("core:notifications")).content.decode()
    assert f'href="/projects/{project.pk}/"' in page and f'href="/review/{review.pk}/"' in page
    moved.organisation = actors.other_department  # transferred: the project is not his now
    moved.save()
    for url in (reverse("core:notifications"), "/"):
        page = client.get(url).content.decode()
        assert "项目通知" in page and "评审通知" in page
        assert f'href="/projects/{project.pk}/"' not in page
        assert f'href="/review/{review.pk}/"' not in page
    assert 'href="/review/mine/"' in client.get(reverse("core:notifications")).content.decode()
