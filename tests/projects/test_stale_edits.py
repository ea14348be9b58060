"""No lost edits on proposal drafts: a save on a stale version is refused, nothing overwritten."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Role
from core.permissions import WorkflowError
from projects import services
from projects.models import Project
from tests.factories import Actors, UserFactory, draft_project
from tests.stale import form_data, formset_data, race

STALE = "保存失败：该草稿已于"


@pytest.fixture
def actors():
    return Actors()


def _colleague(actors):
    return UserFactory(organisation=actors.department, roles=[Role.DEPT_OFFICER])


def _save(project, by, version, **fields):
    return services.project_save_draft(
        project=project,
        version=version,
        by=by,
        fields=fields,
        platforms=list(project.common_platforms.all()),
        data_resources=[{"name": "人口基础数据", "sharing_mode": "conditional", "consumers": ""}],
    )


def _open_edit(client, project):
    """GET the edit page; return the POST data its form would send unchanged."""
    response = client.get(reverse("projects:edit", args=[project.pk]))
    assert response.status_code == 200
    return {
        **form_data(response.context["form"]),
        **formset_data(response.context["formset"]),
    }


@pytest.mark.django_db
def test_stale_save_is_refused_naming_who_when_and_what(actors):
    colleague = _colleague(actors)
    project = draft_project(actors)
    opened = project.version
    _save(project, actors.officer, opened, name="甲改的名称", summary="甲改的建设内容")

    with pytest.raises(WorkflowError) as refused:
        _save(project, colleague, opened, summary="乙改的建设内容")

    message = str(refused.value)
    assert message.startswith(STALE)
    assert f"由 {actors.officer} 修改申报信息（项目名称、建设内容）" in message
    assert "您的修改未保存" in message
    row = Project.objects.get(pk=project.pk)
    assert (row.name, row.summary, row.version) == ("甲改的名称", "甲改的建设内容", opened + 1)


@pytest.mark.django_db
def test_every_change_since_the_opened_version_is_named(actors):
    colleague, third = _colleague(actors), _colleague(actors)
    project = draft_project(actors)
    opened = project.version
    _save(project, actors.officer, opened, name="第一次")
    _save(project, colleague, opened + 1, invest_security=200000)
    with pytest.raises(WorkflowError) as refused:
        _save(project, third, opened, summary="第三人")
    message = str(refused.value)
    assert f"由 {actors.officer}、{colleague} 修改申报信息、修改投资估算" in message
    assert "（项目名称、网络安全投资（元））" in message


@pytest.mark.django_db
def test_fresh_save_succeeds_and_bumps_the_version(actors):
    project = draft_project(actors)
    saved = _save(project, actors.officer, project.version, summary="新内容")
    assert saved.version == project.version + 1
    assert Project.objects.get(pk=project.pk).summary == "新内容"
    with pytest.raises(TypeError, match="version is required"):
        services.project_save_draft(
            project=project, by=actors.officer, fields={}, platforms=[], data_resources=[]
        )


@pytest.mark.django_db
def test_edit_page_refuses_a_stale_save_and_keeps_what_was_typed(actors, client):
    colleague = _colleague(actors)
    project = draft_project(actors)
    client.force_login(colleague)
    data = _open_edit(client, project)
    assert data["version"] == str(project.version)
    _save(project, actors.officer, project.version, summary="甲先保存的内容")

    response = client.post(
        reverse("projects:edit", args=[project.pk]), {**data, "summary": "乙输入的内容"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page and html.escape(f"由 {actors.officer} 修改申报信息（建设内容）") in page
    assert "乙输入的内容" in page
    row = Project.objects.get(pk=project.pk)
    assert (row.summary, row.version) == ("甲先保存的内容", project.version + 1)


@pytest.mark.django_db
def test_edit_page_saves_a_fresh_form_and_a_form_without_version_is_refused(actors, client):
    project = draft_project(actors)
    client.force_login(actors.officer)
    data = _open_edit(client, project)
    url = reverse("projects:edit", args=[project.pk])

    missing = client.post(url, {**data, "version": "", "summary": "无版本"})
    assert "页面缺少版本信息" in missing.content.decode()
    response = client.post(url, {**data, "summary": "按页面保存"})

    assert response.status_code == 302
    row = Project.objects.get(pk=project.pk)
    assert (row.summary, row.version) == ("按页面保存", project.version + 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_the_same_draft_at_once_one_is_refused(postgres_only):
    actors = Actors()
    officers = [actors.officer, _colleague(actors)]
    project = draft_project(actors)
    clients, posts = [], []
    for officer in officers:
        client = Client()
        client.force_login(officer)
        posts.append({**_open_edit(client, project), "summary": f"{officer}的修改"})
        clients.append(client)
    url = reverse("projects:edit", args=[project.pk])

    def save(client, data):
        response = client.post(url, data)
        if response.status_code == 302:
            return ("saved", data["summary"])
        return ("page", response.content.decode())

    outcomes = race([lambda c=c, d=d: save(c, d) for c, d in zip(clients, posts, strict=True)])

    saved = [o[1] for o in outcomes if o[0] == "saved"]
    refused = [o[1] for o in outcomes if o[0] == "page" and STALE in o[1]]
    assert len(saved) == 1 and len(refused) == 1, [o[:1] + (o[1][:200],) for o in outcomes]
    winner = saved[0].removesuffix("的修改")
    assert html.escape(f"由 {winner} 修改申报信息（建设内容）") in refused[0]
    row = Project.objects.get(pk=project.pk)
    assert (row.summary, row.version) == (saved[0], project.version + 1)
