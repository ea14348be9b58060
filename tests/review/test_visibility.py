"""SPEC §2: a committee member sees only the projects on the agendas of meetings he sits on,
and never his own department's; his other roles keep their scopes."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Role, User
from projects.models import Project
from review import services
from tests.factories import Actors, make_committee, meeting_with, project_in, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


@pytest.fixture
def agenda(actors):
    """Two projects in review; only the first is on the agenda of a meeting, whose members
    include one from the applicant department (returned last)."""
    on_agenda = project_in(actors, "in_review", name="统一政务云基础设施扩容")
    elsewhere = project_in(actors, "in_review", name="全市视频会商系统升级")
    seated = make_committee(actors, 3)
    own = make_committee(actors, 1, organisation=actors.department)[0]
    meeting = meeting_with(actors, [*seated, own])
    services.agenda_add(meeting=meeting, review=on_agenda.reviews.get(), by=actors.office)
    return on_agenda, elsewhere, seated[0], own


def _pages(project):
    review = project.reviews.get()
    return [
        reverse("projects:detail", args=[project.pk]),
        reverse("review:detail", args=[review.pk]),
        reverse("review:report_pdf", args=[review.pk]),
    ]


def _ledger_and_export(client):
    ledger = client.get(reverse("projects:ledger")).content.decode()
    response = client.get(reverse("projects:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return ledger, [row[1].value for row in sheet.iter_rows(min_row=2)]


def test_member_not_seated_on_a_meeting_sees_none_of_its_projects(client, actors, agenda):
    on_agenda, elsewhere, *_ = agenda
    client.force_login(actors.committee)  # a committee member on no meeting
    for project in (on_agenda, elsewhere):
        for url in _pages(project):
            assert client.get(url).status_code == 404, url
    ledger, exported = _ledger_and_export(client)
    assert on_agenda.name not in ledger and elsewhere.name not in ledger
    assert exported == []


def test_seated_member_sees_the_agenda_and_nothing_else(client, actors, agenda):
    on_agenda, elsewhere, member, _ = agenda
    client.force_login(member)
    for url in _pages(on_agenda):
        assert client.get(url).status_code == 200, url
    for url in _pages(elsewhere):
        assert client.get(url).status_code == 404, url
    ledger, exported = _ledger_and_export(client)
    assert on_agenda.name in ledger and elsewhere.name not in ledger
    assert exported == [on_agenda.name]
    votes = client.get(reverse("review:votes")).content.decode()
    assert on_agenda.name in votes


def test_seated_member_is_recused_from_his_own_departments_project(client, agenda):
    on_agenda, _, _, own = agenda
    client.force_login(own)
    for url in _pages(on_agenda)[1:]:
        assert client.get(url).status_code == 404, url
    ledger, exported = _ledger_and_export(client)
    assert on_agenda.name not in ledger and exported == []


def test_other_roles_keep_their_scope(actors, agenda):
    on_agenda, elsewhere, *_ = agenda
    actors.leader.roles.add(role(Role.COMMITTEE))
    leader = User.objects.get(pk=actors.leader.pk)
    visible = set(Project.objects.visible_to(leader).values_list("pk", flat=True))
    assert {on_agenda.pk, elsewhere.pk} <= visible
