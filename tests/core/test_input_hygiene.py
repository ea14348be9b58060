"""One rule for text input: no control characters, a stated maximum length (core.forms)."""

import pytest
from django import forms as django_forms
from django.urls import reverse

from budget import forms as budget_forms
from budget.models import Disbursement
from core.forms import (
    CONTROL_CHARACTERS_MESSAGE,
    LINE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TOO_LONG_MESSAGE,
    CleanForm,
    CleanModelForm,
    TextValidator,
    clean_text,
)
from core.permissions import WorkflowError
from projects import forms as project_forms
from projects.filters import ProjectFilter
from projects.models import Project
from review import forms as review_forms
from review import services as review_services
from review.models import Vote
from tests.factories import (
    Actors,
    building_project,
    disbursement_in,
    draft_project,
    make_committee,
    meeting_with,
    project_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def test_clean_text_refuses_nul_other_controls_and_overlength():
    assert clean_text("第一行\r\n\t第二行", max_length=20) == "第一行\r\n\t第二行"
    for bad in ["a\x00b", "a\x1bb", "a\x7fb"]:
        with pytest.raises(WorkflowError, match=f"^理由：{CONTROL_CHARACTERS_MESSAGE}$"):
            clean_text(bad, label="理由")
    too_long = TOO_LONG_MESSAGE.format(limit=5, length=6)
    with pytest.raises(WorkflowError, match=f"^{too_long}$"):
        clean_text("六个字的话啊", max_length=5)
    assert clean_text(None) == ""


def _form_classes():
    modules = [project_forms, review_forms, budget_forms]
    found = [
        obj
        for module in modules
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, django_forms.BaseForm)
        and obj.__module__ == module.__name__
    ]
    assert len(found) >= 15  # the sweep really found the apps' forms
    return found


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__name__)
def test_every_app_form_derives_from_the_clean_base(form_class):
    assert issubclass(form_class, CleanForm | CleanModelForm)


def test_every_text_field_has_a_limit_shown_as_maxlength(actors):
    project = building_project(actors)[0]
    instances = [
        project_forms.ProjectForm(jurisdiction=actors.jurisdiction),
        project_forms.DataResourceForm(),
        project_forms.ReasonForm(),
        project_forms.JustificationForm(),
        review_forms.OpinionForm(),
        review_forms.DecisionForm(),
        review_forms.MeetingForm(jurisdiction_id=actors.jurisdiction.pk),
        review_forms.score_form([("fit", "契合度", 100)])(),
        budget_forms.FundForm(),
        budget_forms.ContractForm(),
        budget_forms.DisbursementForm(project=project),
        budget_forms.ActionForm(),
        ProjectFilter(data={}).form,
    ]
    checked = 0
    for form in instances:
        form.is_valid()  # hardens fields added after __init__ too
        for name, field in form.fields.items():
            if not isinstance(field, django_forms.CharField):
                continue
            assert field.max_length, (type(form).__name__, name)
            assert any(isinstance(v, TextValidator) for v in field.validators), name
            assert f'maxlength="{field.max_length}"' in str(form[name]), name
            checked += 1
    assert checked >= 20
    summary = project_forms.ProjectForm(jurisdiction=actors.jurisdiction).fields["summary"]
    assert summary.max_length == TEXT_MAX_LENGTH
    assert review_forms.MeetingForm(jurisdiction_id=1).fields["title"].max_length == 100
    assert ProjectFilter(data={}).form.fields["q"].max_length == LINE_MAX_LENGTH


def _vote_setup(actors):
    review = project_in(actors, "in_review").reviews.get()
    members = make_committee(actors, 3)
    item = review_services.agenda_add(
        meeting=meeting_with(actors, members), review=review, by=actors.office
    )
    return item, members[0]


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ("须同步等保测评\x00", f"附加条件：{CONTROL_CHARACTERS_MESSAGE}"),
        ("条" * 100_000, "附加条件：" + TOO_LONG_MESSAGE.format(limit=2000, length=100_000)),
    ],
    ids=["nul", "100k"],
)
def test_vote_conditions_refuse_nul_and_overlength(actors, client, conditions, message):
    item, member = _vote_setup(actors)
    client.force_login(member)
    response = client.post(
        reverse("review:vote", args=[item.pk]),
        {"choice": "approve", "conditions": conditions},
        HTTP_HX_REQUEST="true",
    )
    assert message in response.content.decode()
    assert not Vote.objects.filter(item=item).exists()


def test_project_draft_field_refuses_nul_and_overlength(actors, client):
    project = draft_project(actors, complete=False, name="原名称", summary="原建设内容")
    client.force_login(actors.officer)
    url = reverse("projects:edit", args=[project.pk])
    base = {"name": "新名称", "data-TOTAL_FORMS": "0", "data-INITIAL_FORMS": "0"}
    page = client.post(url, {**base, "summary": "建设\x00内容"}).content.decode()
    assert CONTROL_CHARACTERS_MESSAGE in page
    page = client.post(url, {**base, "summary": "字" * 2001}).content.decode()
    assert TOO_LONG_MESSAGE.format(limit=2000, length=2001) in page
    page = client.post(url, {**base, "name": "名" * 121}).content.decode()
    assert "项目名称最多120字" in page  # the field's own wording for the model limit
    project.refresh_from_db()
    assert (project.name, project.summary) == ("原名称", "原建设内容")
    assert Project.objects.count() == 1


def test_disbursement_reason_refuses_nul_and_overlength(actors, client):
    project, line, contract = building_project(actors)
    milestone = contract.milestones.order_by("seq").first()
    d = disbursement_in(actors, "submitted", project=project, line=line, milestone=milestone)
    client.force_login(actors.office)
    url = reverse("budget:disbursement_action", args=[d.pk, "return_"])
    page = client.post(url, {"comment": "发票\x00有误"}, follow=True).content.decode()
    assert CONTROL_CHARACTERS_MESSAGE in page
    page = client.post(url, {"comment": "误" * 2001}, follow=True).content.decode()
    assert TOO_LONG_MESSAGE.format(limit=2000, length=2001) in page
    d = Disbursement.objects.get(pk=d.pk)
    assert (d.status, d.last_reason) == ("submitted", "")


def test_ledger_search_with_nul_is_ignored_not_a_server_error(actors, client):
    client.force_login(actors.office)
    assert client.get(reverse("projects:ledger"), {"q": "云\x00"}).status_code == 200
