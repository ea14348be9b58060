"""No lost edits on disbursement drafts: a stale save is refused, nothing overwritten."""

import html
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from budget import services
from budget.models import Disbursement
from core.models import Role
from core.permissions import WorkflowError
from tests.factories import Actors, UserFactory, building_project, disbursement_in
from tests.stale import form_data, race

STALE = "保存失败：该拨付申请已于"
D = Decimal


def _draft(actors):
    project, line, contract = building_project(actors)
    first = contract.milestones.order_by("seq").first()
    return disbursement_in(actors, "draft", project=project, line=line, milestone=first), contract


def _colleague(actors):
    return UserFactory(organisation=actors.department, roles=[Role.DEPT_OFFICER])


def _update(d, by, version, amount, purpose=""):
    return services.disbursement_update(
        disbursement=d,
        version=version,
        milestone=d.milestone,
        budget_line=d.budget_line,
        amount=amount,
        purpose=purpose,
        by=by,
    )


def _open(client, d):
    response = client.get(reverse("budget:disbursement", args=[d.pk]))
    assert response.status_code == 200
    return form_data(response.context["edit_form"])


@pytest.mark.django_db
def test_stale_save_is_refused_naming_who_when_and_what(actors):
    d, _ = _draft(actors)
    opened = d.version
    _update(d, actors.officer, opened, D("120000"), "首付款")

    with pytest.raises(WorkflowError) as refused:
        _update(d, _colleague(actors), opened, D("90000"))

    message = str(refused.value)
    assert message.startswith(STALE) and "您的修改未保存" in message
    assert f"由 {actors.officer} 修改拨付申请（申请金额（元）、用途说明）" in message
    row = Disbursement.objects.get(pk=d.pk)
    assert (row.amount, row.purpose, row.version) == (D("120000"), "首付款", opened + 1)


@pytest.mark.django_db
def test_fresh_save_succeeds_and_bumps_the_version(actors):
    d, _ = _draft(actors)
    saved = _update(d, actors.officer, d.version, D("110000"))
    assert saved.version == d.version + 1
    assert Disbursement.objects.get(pk=d.pk).amount == D("110000")


@pytest.mark.django_db
def test_page_refuses_a_stale_save_and_keeps_what_was_typed(actors, client):
    d, _ = _draft(actors)
    client.force_login(_colleague(actors))
    data = _open(client, d)
    assert data["version"] == str(d.version)
    _update(d, actors.officer, d.version, D("120000"))

    response = client.post(
        reverse("budget:disbursement_edit", args=[d.pk]),
        {**data, "amount": "9", "purpose": "乙输入的用途"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page and html.escape(f"由 {actors.officer} 修改拨付申请") in page
    assert 'value="乙输入的用途"' in page and 'value="9.000000"' in page
    row = Disbursement.objects.get(pk=d.pk)
    assert (row.amount, row.purpose, row.version) == (D("120000"), "", d.version + 1)


@pytest.mark.django_db
def test_page_saves_a_fresh_form(actors, client):
    d, _ = _draft(actors)
    client.force_login(actors.officer)
    data = _open(client, d)
    response = client.post(
        reverse("budget:disbursement_edit", args=[d.pk]), {**data, "purpose": "进度款"}
    )
    assert response.status_code == 302
    row = Disbursement.objects.get(pk=d.pk)
    assert (row.purpose, row.version) == ("进度款", d.version + 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_the_same_request_at_once_one_is_refused(postgres_only):
    actors = Actors()
    d, _ = _draft(actors)
    officers = [actors.officer, _colleague(actors)]
    clients, posts = [], []
    for officer, amount in zip(officers, ("11", "12"), strict=True):
        client = Client()
        client.force_login(officer)
        posts.append({**_open(client, d), "amount": amount, "purpose": str(officer)})
        clients.append(client)
    url = reverse("budget:disbursement_edit", args=[d.pk])

    def save(client, data):
        response = client.post(url, data)
        if response.status_code == 302:
            return ("saved", data)
        return ("page", response.content.decode())

    outcomes = race([lambda c=c, p=p: save(c, p) for c, p in zip(clients, posts, strict=True)])

    saved = [o[1] for o in outcomes if o[0] == "saved"]
    refused = [o[1] for o in outcomes if o[0] == "page" and STALE in o[1]]
    assert len(saved) == 1 and len(refused) == 1, [str(o)[:300] for o in outcomes]
    assert (
        html.escape(f"由 {saved[0]['purpose']} 修改拨付申请（申请金额（元）、用途说明）")
        in (refused[0])
    )
    row = Disbursement.objects.get(pk=d.pk)
    assert row.amount == D(saved[0]["amount"]) * 10000 and row.version == d.version + 1
