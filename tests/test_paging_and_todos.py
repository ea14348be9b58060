"""Issue 8 item 3 at small scale: cached to-dos that follow every audited write, the capped
page count, the ledger's department filter, and page query counts that do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import paging
from core.todo import todos_for
from projects.models import Project
from tests.factories import Actors, project_in


@pytest.fixture
def actors(db):
    return Actors()


def _count(user, label):
    return {t.label: t.count for t in todos_for(user)}.get(label, 0)


def test_cached_todos_follow_each_audited_write(actors):
    project_in(actors, "submitted", name="项目甲")
    assert _count(actors.office, "待形式审查的申报") == 1
    with CaptureQueriesContext(connection) as ctx:  # cached: only the stamp is read
        assert _count(actors.office, "待形式审查的申报") == 1
    assert len(ctx) == 1
    project_in(actors, "submitted", name="项目乙")  # audited: the stamp moves
    assert _count(actors.office, "待形式审查的申报") == 2


def test_workspace_computes_todos_once_per_request(actors, client):
    project_in(actors, "submitted")
    client.force_login(actors.office)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("workspace:home"))
    stamps = [q for q in ctx.captured_queries if "auditchainhead" in q["sql"].lower()]
    assert len(stamps) == 1


def test_page_count_stops_at_the_cap(actors, client, monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "cap", 4)
    for i in range(6):
        project_in(actors, "submitted", name=f"项目{i}")
    client.force_login(actors.office)
    page = client.get(reverse("projects:ledger")).content.decode()
    assert "超过 4 个项目" in page
    paginator = paging.CappedPaginator(Project.objects.order_by("pk"), 2)
    assert paginator.capped and paginator.count == 4 and paginator.num_pages == 2


def test_ledger_department_filter_lists_visible_departments(actors, client):
    project_in(actors, "submitted", name="大数据项目")
    client.force_login(actors.office)
    page = client.get(reverse("projects:ledger")).content.decode()
    assert f'<option value="{actors.department.pk}"' in page
    assert actors.department.name in page
    own = client.get(reverse("projects:ledger"), {"department": actors.department.pk})
    assert f'<option value="{actors.department.pk}" selected' in own.content.decode()
    assert [p.name for p in own.context["page"]] == ["大数据项目"]
    # a department without a visible project is no choice (another's departments stay hidden)
    assert f">{actors.other_department.name}</option>" not in own.content.decode()


@pytest.mark.parametrize("url", ["review:index", "review:cycle_time", "review:votes"])
def test_review_pages_do_not_grow_queries_with_rows(actors, client, url):
    def queries():
        client.force_login(actors.office if url != "review:votes" else actors.committee)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url)).status_code == 200
        return len(ctx)

    project_in(actors, "in_review", name="评审项目0")
    small = queries()
    for i in range(1, 4):
        project_in(actors, "in_review", name=f"评审项目{i}")
    assert queries() == small


def test_meeting_page_tallies_every_item_in_constant_queries(actors, client):
    from review import services
    from tests.factories import make_committee, meeting_with

    members = make_committee(actors, 3)
    meeting = meeting_with(actors, members)

    def queries():
        client.force_login(actors.office)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("review:meeting", args=[meeting.pk]))
        assert page.status_code == 200
        return len(ctx)

    def add_item(name):
        review = project_in(actors, "in_review", name=name).reviews.get()
        item = services.agenda_add(meeting=meeting, review=review, by=actors.office)
        services.vote_cast(item=item, member=members[0], choice="approve", by=members[0])

    add_item("议题项目0")
    small = queries()
    for i in range(1, 4):
        add_item(f"议题项目{i}")
    assert queries() == small
