"""Fixes from the code review: re-voting, zero amounts, redirects and malformed input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.permissions import WorkflowError
from review import services
from tests.factories import Actors, make_committee, meeting_with, ready_for_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def test_a_quorate_vote_cannot_be_replaced_by_putting_the_project_on_another_meeting(actors):
    item = ready_for_decision(actors, votes=("reject", "reject", "approve"))
    other = meeting_with(actors, make_committee(actors, 3))
    with pytest.raises(WorkflowError, match="已在会议上完成有效表决"):
        services.agenda_add(meeting=other, review=item.review, by=actors.office)


def test_approved_amount_must_be_positive(actors):
    item = ready_for_decision(actors, fiscal_amount=Decimal("800000"))
    with pytest.raises(WorkflowError, match="核定投资须大于0"):
        services.review_decide(
            item=item,
            decision="approve",
            amount=Decimal("0"),
            override_reason="x",
            by=actors.office,
        )


def test_agenda_add_never_redirects_off_site(client, actors):
    meeting = meeting_with(actors, make_committee(actors, 3))
    client.force_login(actors.office)
    url = reverse("review:agenda_add", args=[meeting.pk])
    response = client.post(url, {"review": "abc", "next": "https://evil.example/x"})
    assert response.status_code == 404
    item = ready_for_decision(actors)
    response = client.post(url, {"review": item.review_id, "next": "https://evil.example/x"})
    assert response["Location"] == f"/review/meetings/{meeting.pk}/"


def test_malformed_numbers_get_messages_not_500(client, actors):
    from tests.factories import project_in

    review = project_in(actors, "in_review").reviews.get()
    client.force_login(actors.office)
    response = client.post(
        reverse("review:panel_draw", args=[review.pk]), {"size": "abc"}, follow=True
    )
    assert "专家组人数须为1至15之间的整数" in response.content.decode()
    client.force_login(actors.officer)
    assert client.post(reverse("projects:preflight"), {"project_id": "abc"}).status_code == 404
    client.force_login(actors.admin)
    assert client.post(reverse("projects:preflight"), {"name": "x"}).status_code == 404
