"""Races in the review (PostgreSQL row locks, real threads).

Where the interleaving matters, the first call is held inside its transaction (after it has
taken its locks) while the second one starts, so both orders are exercised every run instead
of by chance. Every thread's outcome is kept (tests/concurrency.py).
"""

import threading
import time

import pytest

from review import selectors, services
from review.models import PanelMember, Vote
from review.services import meeting as meeting_services
from review.services import panel as panel_services
from tests.concurrency import exactly_one_ok, in_thread, race
from tests.factories import Actors, make_committee, make_expert, meeting_with, project_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

HOLD = 0.5  # seconds the first call stays inside its transaction


def _hold_inside(monkeypatch, module, name, when=lambda *a, **k: True):
    """Wrap ``module.name`` so that, when ``when(...)``, it signals and then lingers."""
    entered = threading.Event()
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            entered.set()
            time.sleep(HOLD)
        return result

    monkeypatch.setattr(module, name, wrapper)
    return entered


def _first_then_second(entered, first, second):
    one = in_thread(first)
    assert entered.wait(timeout=30), "the first call never reached its critical section"
    two = in_thread(second)
    return one.join(), two.join()


@pytest.fixture
def open_item(postgres_only):
    actors = Actors()
    review = project_in(actors, "in_review").reviews.get()
    members = make_committee(actors, 3)
    meeting = meeting_with(actors, members)
    item = services.agenda_add(meeting=meeting, review=review, by=actors.office)
    return actors, members, item


def _assert_tally_matches_votes(item):
    item.refresh_from_db()
    assert item.closed_at is not None
    stored = item.tally["approve"] + item.tally["reject"] + item.tally["send_back"]
    assert Vote.objects.filter(item=item).count() == stored
    assert item.tally["present"] == item.meeting.members.filter(present=True).count()


def test_simultaneous_votes_leave_exactly_one_vote_per_member(open_item):
    """Guarded by the one_vote_per_member constraint and update_or_create's retry, not by the
    item lock (this test still passes without it); the item lock's race is vote vs close."""
    _, members, item = open_item
    voters = [members[0], members[0], members[1], members[1]]
    choices = ["approve", "reject", "approve", "send_back"]
    outcomes = race(
        *[
            (lambda m=m, c=c: services.vote_cast(item=item, member=m, choice=c, by=m))
            for m, c in zip(voters, choices, strict=True)
        ]
    )
    assert [o.kind for o in outcomes] == ["ok"] * 4, [str(o) for o in outcomes]
    counts = {m.pk: Vote.objects.filter(item=item, member=m).count() for m in members}
    assert counts == {members[0].pk: 1, members[1].pk: 1, members[2].pk: 0}
    assert Vote.objects.get(item=item, member=members[0]).choice in {"approve", "reject"}


def test_a_vote_in_flight_when_the_item_closes_is_counted(open_item, monkeypatch):
    actors, members, item = open_item
    entered = _hold_inside(monkeypatch, meeting_services, "can_vote")
    vote, close = _first_then_second(
        entered,
        lambda: services.vote_cast(item=item, member=members[0], choice="approve", by=members[0]),
        lambda: services.item_close(item=item, by=actors.office),
    )
    assert (vote.kind, close.kind) == ("ok", "ok"), (str(vote), str(close))
    _assert_tally_matches_votes(item)
    assert item.tally["approve"] == 1


def test_a_vote_arriving_while_the_item_closes_is_refused(open_item, monkeypatch):
    actors, members, item = open_item
    entered = _hold_inside(monkeypatch, selectors, "item_tally")
    close, vote = _first_then_second(
        entered,
        lambda: services.item_close(item=item, by=actors.office),
        lambda: services.vote_cast(item=item, member=members[0], choice="approve", by=members[0]),
    )
    assert close.kind == "ok", str(close)
    assert (vote.kind, vote.text) == ("refused", "该议题已结束表决，不能再投票或改票")
    _assert_tally_matches_votes(item)
    assert not Vote.objects.filter(item=item).exists()


def test_attendance_set_in_flight_when_the_item_closes_is_in_the_tally(open_item, monkeypatch):
    actors, members, item = open_item
    entered = _hold_inside(
        monkeypatch, meeting_services, "audit_record", lambda **kw: kw["action"] == "attendance"
    )
    absent, close = _first_then_second(
        entered,
        lambda: services.attendance_set(
            meeting=item.meeting, user=members[2], present=False, by=actors.office
        ),
        lambda: services.item_close(item=item, by=actors.office),
    )
    assert (absent.kind, close.kind) == ("ok", "ok"), (str(absent), str(close))
    _assert_tally_matches_votes(item)
    assert item.tally["present"] == 2


def test_attendance_set_while_the_item_closes_is_refused(open_item, monkeypatch):
    actors, members, item = open_item
    entered = _hold_inside(monkeypatch, selectors, "item_tally")
    close, absent = _first_then_second(
        entered,
        lambda: services.item_close(item=item, by=actors.office),
        lambda: services.attendance_set(
            meeting=item.meeting, user=members[2], present=False, by=actors.office
        ),
    )
    assert close.kind == "ok", str(close)
    assert (absent.kind, absent.text) == ("refused", "已有议题结束表决，不能再修改出席情况")
    _assert_tally_matches_votes(item)
    assert item.tally["present"] == 3


@pytest.fixture
def drawn_panel(postgres_only):
    actors = Actors()
    review = project_in(actors, "in_review").reviews.get()
    for _ in range(3):
        make_expert(actors)
    panel = services.panel_draw(review=review, size=2, by=actors.office)
    return actors, panel


def test_two_replacements_on_one_panel_never_seat_the_same_expert_twice(drawn_panel, monkeypatch):
    actors, panel = drawn_panel  # three eligible experts, two drawn: one spare
    _hold_inside(monkeypatch, panel_services, "notify")
    first, second = panel.members.order_by("pk")
    outcomes = race(
        lambda: services.panel_replace(member=first, reason="出差", by=actors.office),
        lambda: services.panel_replace(member=second, reason="回避", by=actors.office),
    )
    exactly_one_ok(outcomes, r"^专家库中没有可替换的符合回避要求的专家$")
    seated = PanelMember.objects.filter(panel=panel, replaced_at__isnull=True)
    assert seated.count() == 2
    assert len(set(seated.values_list("expert_id", flat=True))) == 2


def test_replacing_one_expert_twice_at_once_replaces_once(drawn_panel, monkeypatch):
    actors, panel = drawn_panel
    make_expert(actors)  # two spares, so only the member's own state can refuse
    _hold_inside(monkeypatch, panel_services, "notify")
    member = panel.members.order_by("pk").first()
    outcomes = race(
        lambda: services.panel_replace(member=member, reason="出差", by=actors.office),
        lambda: services.panel_replace(member=member, reason="出差", by=actors.office),
    )
    exactly_one_ok(outcomes, r"^只能替换尚未评分的在组专家$")
    assert PanelMember.objects.filter(panel=panel).count() == 3
    assert PanelMember.objects.filter(panel=panel, replaced_at__isnull=True).count() == 2
