"""Final acceptance through the review engine: the decision's guards, the rectification loop
(twice) with each round's history, the audit list of the acceptance year, the 验收意见 PDF."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from acceptance import services
from acceptance.models import AcceptanceRound, AuditEntry, RectificationItem
from core.models import AuditEvent
from core.permissions import WorkflowError
from tests.factories import (
    acceptance_decided,
    acceptance_ready,
    acceptance_requested,
    acceptance_reviewed,
    building_project,
    closed_panel,
    finding,
    give_opinions,
    mark_accepted,
)

pytestmark = pytest.mark.django_db


def requested(actors):
    project, _, _ = building_project(actors)
    acceptance_ready(actors, project)
    return project, acceptance_requested(actors, project)


def test_the_decision_waits_for_every_opinion_and_the_panel(actors):
    project, round_ = requested(actors)
    with pytest.raises(WorkflowError, match="尚缺验收意见：.*投资审核意见"):
        acceptance_decided(actors, round_)
    give_opinions(actors, round_.review)
    with pytest.raises(WorkflowError, match="专家验收评审尚未结束"):
        acceptance_decided(actors, round_)
    closed_panel(actors, round_.review)
    project.refresh_from_db()
    assert project.status == "acceptance_requested"
    assert acceptance_decided(actors, round_).decision == "accept"


def test_rectification_needs_findings_and_a_future_deadline(actors):
    project, round_ = requested(actors)
    acceptance_reviewed(actors, round_)
    with pytest.raises(WorkflowError, match="限期整改须列明至少一项问题"):
        acceptance_decided(actors, round_, decision="rectify")
    with pytest.raises(WorkflowError, match="第1项问题的整改期限须晚于今天"):
        acceptance_decided(actors, round_, decision="rectify", findings=[finding(days=0)])
    with pytest.raises(WorkflowError, match="请填写验收意见"):
        services.acceptance_decide(round=round_, decision="accept", opinion=" ", by=actors.office)
    project.refresh_from_db()
    assert project.status == "acceptance_requested"
    assert not RectificationItem.objects.exists()


def test_only_the_office_decides(actors):
    project, round_ = requested(actors)
    acceptance_reviewed(actors, round_)
    for user in (actors.officer, actors.finance, actors.auditor, actors.leader):
        with pytest.raises(WorkflowError, match="只有牵头部门可以办理"):
            services.acceptance_decide(round=round_, decision="accept", opinion="同意", by=user)


def _respond_and_close(actors, item, *, send_back_first=False):
    item = services.item_respond(
        item=item, response="已修复并复测。", version=item.version, by=actors.officer
    )
    if send_back_first:
        item = services.item_send_back(item=item, reason="未附复测报告", by=actors.office)
        assert item.status == "open" and item.last_reason == "未附复测报告"
        item = services.item_respond(
            item=item, response="已补充复测报告。", version=item.version, by=actors.officer
        )
    return services.item_close(item=item, by=actors.office)


def test_the_rectification_loop_twice_keeps_every_round(actors, client):
    project, first = requested(actors)
    acceptance_reviewed(actors, first)
    acceptance_decided(actors, first, decision="rectify", findings=[finding(), finding("文档缺失")])
    project.refresh_from_db()
    assert project.status == "rectifying"
    items = list(first.items.order_by("pk"))
    assert [i.source for i in items] == ["acceptance", "acceptance"]
    assert first.review.__class__.objects.get(pk=first.review_id).status == "decided"

    # Re-applying waits until every finding of the round is closed (R8 line).
    with pytest.raises(WorkflowError, match="上轮验收整改事项已销号（尚有2项未销号）"):
        acceptance_requested(actors, project)
    _respond_and_close(actors, items[0], send_back_first=True)
    _respond_and_close(actors, items[1])
    second = acceptance_requested(actors, project)
    assert second.number == 2 and second.review_id != first.review_id

    acceptance_reviewed(actors, second)
    acceptance_decided(actors, second, decision="rectify", findings=[finding("性能未达标")])
    _respond_and_close(actors, second.items.get())
    third = acceptance_requested(actors, project)
    acceptance_reviewed(actors, third)
    acceptance_decided(actors, third)
    project.refresh_from_db()
    assert project.status == "accepted"
    rounds = list(project.acceptance_rounds.values_list("number", "decision"))
    assert rounds == [(1, "rectify"), (2, "rectify"), (3, "accept")]
    actions = list(
        AuditEvent.objects.filter(project=project, action__startswith="acceptance_")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions.count("acceptance_request") == 3 and actions.count("acceptance_decide") == 3

    client.force_login(actors.officer)
    page = client.get(reverse("acceptance:project", args=[project.pk])).content.decode()
    for text in ("第1轮", "第2轮", "第3轮", "性能未达标", "文档缺失", "验收通过"):
        assert text in page


def test_accepted_projects_enter_the_audit_list_of_their_acceptance_year(actors, client):
    project, _, _ = building_project(actors)
    assert not AuditEntry.objects.exists()
    project = mark_accepted(actors, project)
    entry = AuditEntry.objects.get(project=project)
    year = timezone.localdate().year
    assert (entry.year, entry.status) == (year, "planned")
    client.force_login(actors.auditor)
    page = client.get(reverse("acceptance:audit") + f"?year={year}").content.decode()
    assert project.name in page
    other = client.get(reverse("acceptance:audit") + f"?year={year - 1}").content.decode()
    assert project.name not in other


def test_a_project_sent_to_rectify_is_not_on_the_audit_list(actors):
    project, round_ = requested(actors)
    acceptance_reviewed(actors, round_)
    acceptance_decided(actors, round_, decision="rectify", findings=[finding()])
    assert not AuditEntry.objects.filter(project=project).exists()


def test_acceptance_in_january_lands_in_that_years_list(actors):
    project, round_ = requested(actors)
    acceptance_reviewed(actors, round_)
    next_january = dt.datetime(timezone.localdate().year + 1, 1, 3, 2, tzinfo=dt.UTC)
    with time_machine.travel(next_january, tick=False):
        acceptance_decided(actors, round_)
    assert AuditEntry.objects.get(project=project).year == next_january.year


def test_acceptance_opinion_pdf_is_chinese_and_from_the_record(actors, client):
    project, round_ = requested(actors)
    acceptance_reviewed(actors, round_)
    acceptance_decided(actors, round_, decision="rectify", findings=[finding("日志审计未开启")])
    client.force_login(actors.officer)
    response = client.get(reverse("acceptance:opinion_pdf", args=[round_.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("竣工验收的意见", project.name, "限期整改", "日志审计未开启", "第1轮"):
        assert expected in text.replace("\n", "")
    client.force_login(actors.other_officer)
    assert client.get(reverse("acceptance:opinion_pdf", args=[round_.pk])).status_code == 404


def test_an_undecided_round_has_no_opinion_document(actors, client):
    _, round_ = requested(actors)
    client.force_login(actors.office)
    assert client.get(reverse("acceptance:opinion_pdf", args=[round_.pk])).status_code == 404


def test_initial_acceptance_is_recorded_by_the_office_and_audited(actors):
    from tests.factories import initial_passed, upload

    project, _, _ = building_project(actors)
    with pytest.raises(WorkflowError, match="只有牵头部门可以登记初验"):
        services.initial_acceptance_record(
            project=project,
            held_on=timezone.localdate(),
            participants="x",
            conclusion="passed",
            upload=upload(),
            by=actors.officer,
        )
    with pytest.raises(WorkflowError, match="初验日期不能晚于今天"):
        services.initial_acceptance_record(
            project=project,
            held_on=timezone.localdate() + dt.timedelta(days=1),
            participants="x",
            conclusion="passed",
            upload=upload(),
            by=actors.office,
        )
    record = initial_passed(actors, project)
    event = AuditEvent.objects.get(action="initial_acceptance", project=project)
    assert event.data["sha256"] == record.sha256
    assert AcceptanceRound.objects.count() == 0
