"""The calendar guards at their boundaries (issue 9 item 1): the same day passes, the day
before fails, a future contract date fails; nothing changes on a refusal."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from budget import services as budget
from budget.models import Contract
from core.permissions import WorkflowError
from review import services as review_services
from tests.factories import (
    MILESTONES_30_40_30,
    Actors,
    approved_project,
    building_project,
    closed_panel,
    disbursement_in,
    give_opinions,
    make_committee,
    project_in,
    special_fund,
)

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
APPROVAL = dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def actors():
    return Actors()


@pytest.fixture
def approved(actors):
    """A project approved on 2026-05-20 (the whole review runs that day)."""
    with time_machine.travel(APPROVAL, tick=False):
        actors.round.opens_on = dt.date(2026, 5, 1)
        actors.round.save()
        special_fund(actors, "50000000", 2026)
        return approved_project(actors, "1000000")


def _contract(actors, project, signed_on):
    return budget.contract_record(
        project=project,
        by=actors.officer,
        name="系统建设合同",
        vendor="湖南某信息技术有限公司",
        method="open",
        amount=Decimal("1000000"),
        signed_on=signed_on,
        milestones=MILESTONES_30_40_30,
    )


def _list(actors, project):
    return budget.list_in_budget(
        project=project, allocations=[(2026, Decimal("1000000"))], by=actors.finance
    )


def test_listing_before_approval_is_refused_and_the_same_day_passes(actors, approved):
    with time_machine.travel(APPROVAL - DAY, tick=False):
        with pytest.raises(
            WorkflowError, match="列入预算日期（2026-05-19）不能早于项目批复日期（2026-05-20）"
        ):
            _list(actors, approved)
    approved.refresh_from_db()
    assert approved.status == "approved" and not approved.budget_lines.exists()
    with time_machine.travel(APPROVAL + dt.timedelta(hours=5), tick=False):
        assert _list(actors, approved).status == "funded"


def test_contract_before_approval_or_in_the_future_is_refused(actors, approved):
    with time_machine.travel(APPROVAL + 10 * DAY, tick=False):
        project = _list(actors, approved)
        with pytest.raises(WorkflowError, match="不能早于项目批复日期（2026-05-20），未批先建"):
            _contract(actors, project, dt.date(2026, 5, 19))
        with pytest.raises(
            WorkflowError, match="合同签订日期（2026-05-31）不能晚于今天（2026-05-30）"
        ):
            _contract(actors, project, dt.date(2026, 5, 31))
        assert not Contract.objects.filter(project=project).exists()
        assert _contract(actors, project, dt.date(2026, 5, 20)).signed_on == dt.date(2026, 5, 20)


def test_payment_before_its_contract_is_refused_and_the_signing_day_passes(actors):
    project, line, contract = building_project(actors)
    signing = contract.milestones.order_by("seq").first()
    d = disbursement_in(actors, "approved", project=project, line=line, milestone=signing)
    signed = contract.signed_on
    with pytest.raises(WorkflowError, match="支付日期（.*）不能早于合同签订日期"):
        budget.disbursement_pay(
            disbursement=d, by=actors.finance, voucher_no="PZ-1", paid_on=signed - DAY
        )
    d.refresh_from_db()
    assert d.status == "approved" and d.paid_on is None
    paid = budget.disbursement_pay(
        disbursement=d, by=actors.finance, voucher_no="PZ-1", paid_on=signed
    )
    assert paid.status == "paid" and paid.paid_on == signed


def test_meeting_takes_votes_closes_and_decides_only_from_its_date(actors):
    held_on = timezone.localdate() + 3 * DAY
    project = project_in(actors, "in_review")
    review = project.reviews.get(status="open")
    give_opinions(actors, review, fiscal_amount=project.total_investment)
    closed_panel(actors, review)
    members = make_committee(actors, 3)
    meeting = review_services.meeting_create(
        jurisdiction=actors.jurisdiction,
        title="第2次联审会议",
        held_on=held_on,
        members=members,
        by=actors.office,
    )
    for member in members:
        review_services.attendance_set(meeting=meeting, user=member, present=True, by=actors.office)
    item = review_services.agenda_add(meeting=meeting, review=review, by=actors.office)
    eve = dt.datetime.combine(held_on - DAY, dt.time(16), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(eve, tick=False):
        with pytest.raises(WorkflowError, match=f"定于{held_on:%Y-%m-%d}召开，会议当日起方可表决"):
            review_services.vote_cast(item=item, member=members[0], choice="approve", by=members[0])
        with pytest.raises(WorkflowError, match="会议当日起方可结束表决"):
            review_services.item_close(item=item, by=actors.office)
    assert not item.votes.exists()
    with time_machine.travel(eve + dt.timedelta(hours=17), tick=False):  # 09:00 on the day
        for member in members:
            review_services.vote_cast(item=item, member=member, choice="approve", by=member)
        item = review_services.item_close(item=item, by=actors.office)
    with time_machine.travel(eve, tick=False):
        with pytest.raises(WorkflowError, match="会议当日起方可记录联审决定"):
            review_services.review_decide(item=item, decision="approve", by=actors.office)
    with time_machine.travel(eve + dt.timedelta(hours=18), tick=False):
        decided = review_services.review_decide(item=item, decision="approve", by=actors.office)
    assert timezone.localdate(decided.decided_at) == held_on
