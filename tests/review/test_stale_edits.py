"""No lost edits on opinions: signing over a version the signer has not seen is refused."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from core.models import ReviewFunction, Role
from core.permissions import WorkflowError
from review import services
from tests.factories import Actors, UserFactory, project_in
from tests.stale import form_data, race

STALE = "保存失败：该意见已于"


@pytest.fixture
def actors():
    return Actors()


def _task(actors):
    return project_in(actors, "in_review").reviews.get().tasks.get(function="security")


def _colleague(actors):
    return UserFactory(organisation=actors.reviewer.organisation, roles=[Role.REVIEWER])


def _sign(task, by, version, text, reason=""):
    return services.opinion_sign(
        task=task,
        version=version,
        conclusion="agree",
        text=text,
        correction_reason=reason,
        by=by,
    )


def _open(client, task):
    response = client.get(reverse("review:detail", args=[task.review_id]))
    assert response.status_code == 200
    form = next(row[3] for row in response.context["tasks"] if row[0].pk == task.pk)
    return form_data(form)


@pytest.mark.django_db
def test_first_signature_over_a_colleagues_is_refused_naming_who(actors):
    task = _task(actors)
    _sign(task, actors.reviewer, 0, "同意，须同步等保测评")
    with pytest.raises(WorkflowError) as refused:
        _sign(task, _colleague(actors), 0, "同意")
    message = str(refused.value)
    assert message.startswith(STALE)
    assert f"由 {actors.reviewer} 出具{ReviewFunction.SECURITY.label}，您的修改未保存" in message
    assert list(task.opinions.values_list("version", "text")) == [(1, "同意，须同步等保测评")]


@pytest.mark.django_db
def test_stale_correction_is_refused_naming_the_changed_fields(actors):
    task = _task(actors)
    _sign(task, actors.reviewer, 0, "同意")
    _sign(task, actors.reviewer, 1, "同意，须补充密评", reason="遗漏条件")
    with pytest.raises(WorkflowError) as refused:
        _sign(task, _colleague(actors), 1, "同意，另须等保测评", reason="补充")
    assert f"由 {actors.reviewer} 更正{ReviewFunction.SECURITY.label}（意见）" in str(refused.value)
    assert task.opinions.count() == 2
    assert task.opinions.first().text == "同意，须补充密评"


@pytest.mark.django_db
def test_fresh_correction_succeeds_as_the_next_version(actors):
    task = _task(actors)
    _sign(task, actors.reviewer, 0, "同意")
    opinion = _sign(task, _colleague(actors), 1, "有条件同意", reason="补充条件")
    assert opinion.version == 2


@pytest.mark.django_db
def test_page_refuses_a_stale_signature_and_keeps_what_was_typed(actors, client):
    task = _task(actors)
    client.force_login(_colleague(actors))
    data = _open(client, task)
    assert data["version"] == "0"
    _sign(task, actors.reviewer, 0, "甲先签署的意见")

    response = client.post(
        reverse("review:opinion", args=[task.pk]),
        {**data, "conclusion": "disagree", "text": "乙输入的意见"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page and html.escape(f"由 {actors.reviewer} 出具") in page
    assert "乙输入的意见</textarea>" in page
    assert list(task.opinions.values_list("text", flat=True)) == ["甲先签署的意见"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_of_one_unit_correcting_at_once_one_is_refused(postgres_only):
    actors = Actors()
    task = _task(actors)
    _sign(task, actors.reviewer, 0, "同意")
    signers = [actors.reviewer, _colleague(actors)]
    clients, posts = [], []
    for signer in signers:
        client = Client()
        client.force_login(signer)
        data = _open(client, task)
        assert data["version"] == "1"
        posts.append({**data, "conclusion": "agree", "text": str(signer), "correction_reason": "x"})
        clients.append(client)
    url = reverse("review:opinion", args=[task.pk])

    def sign(client, data):
        response = client.post(url, data)
        if response.status_code == 302:
            return ("signed", data["text"])
        return ("page", response.content.decode())

    outcomes = race([lambda c=c, p=p: sign(c, p) for c, p in zip(clients, posts, strict=True)])

    signed = [o[1] for o in outcomes if o[0] == "signed"]
    refused = [o[1] for o in outcomes if o[0] == "page" and STALE in o[1]]
    assert len(signed) == 1 and len(refused) == 1, [str(o)[:300] for o in outcomes]
    assert html.escape(f"由 {signed[0]} 更正") in refused[0]
    assert list(task.opinions.values_list("version", "text")) == [(2, signed[0]), (1, "同意")]
