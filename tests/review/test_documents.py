"""公文 documents: 文号, issuing body from configuration, conditions in the notice, fonts, names."""

import re
import subprocess
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from core import numbering
from core.models import DocumentNumber, Jurisdiction
from core.money import wan_in_document
from review import services
from tests.factories import Actors, give_opinions, ready_for_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


def _pdftotext(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def _pdffonts(content: bytes) -> str:
    done = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def _approved(actors, comment=""):
    item = ready_for_decision(actors, fiscal_amount=Decimal("16740000"))
    return services.review_decide(item=item, decision="approve", comment=comment, by=actors.office)


def test_numbers_are_chinese_unpadded_and_consecutive_per_kind_and_year(actors):
    j = actors.jurisdiction
    a, b, c = (_approved_stub(actors, i) for i in range(3))
    first = numbering.issue(jurisdiction=j, kind="approval_notice", year=2026, subject=a)
    second = numbering.issue(jurisdiction=j, kind="approval_notice", year=2026, subject=b)
    again = numbering.issue(jurisdiction=j, kind="approval_notice", year=2026, subject=a)
    other_kind = numbering.issue(jurisdiction=j, kind="review_report", year=2026, subject=a)
    next_year = numbering.issue(jurisdiction=j, kind="approval_notice", year=2027, subject=c)
    assert (first.text, second.text, again.text) == (
        "潭审批复〔2026〕1号",
        "潭审批复〔2026〕2号",
        "潭审批复〔2026〕1号",
    )
    assert other_kind.text == "潭审评〔2026〕1号" and next_year.text == "潭审批复〔2027〕1号"
    assert not re.search(r"[A-Za-z]|〔2026〕0", first.text)


def _approved_stub(actors, i):
    """Any saved model instance serves as a numbering subject."""
    from core.models import Role

    return Role.objects.create(code=f"stub-{i}", name=f"占位{i}")


def test_abbreviation_accepts_chinese_only(actors):
    from django.core.exceptions import ValidationError

    j = actors.jurisdiction
    j.doc_abbreviation = "XT"
    with pytest.raises(ValidationError, match="只能使用汉字"):
        j.full_clean()


def test_shipped_jurisdictions_carry_their_document_settings():
    from django.core.management import call_command

    call_command("loaddata", "organisations", verbosity=0)
    xt, hz = Jurisdiction.objects.get(code="xt"), Jurisdiction.objects.get(code="hz")
    assert (xt.doc_abbreviation, xt.issuing_body) == ("潭", "湘潭市数字政府建设工作领导小组办公室")
    assert (hz.doc_abbreviation, hz.issuing_body) == (
        "海",
        "海州区政务信息化项目建设领导小组办公室",
    )


def test_notice_in_gongwen_style_with_every_condition(actors, client):
    project_review = ready_for_decision_with_conditions(actors)
    review = services.review_decide(
        item=project_review,
        decision="approve",
        comment="须于2027年6月底前建成上线。",
        by=actors.office,
    )
    client.force_login(actors.office)
    response = client.get(reverse("review:notice_pdf", args=[review.pk]))
    text = _pdftotext(response.content)
    flat = re.sub(r"\s+", "", text)
    number = DocumentNumber.objects.get(kind="approval_notice").text
    assert number == "潭审批复〔2026〕1号" and number in flat
    assert "关于统一政务云基础设施扩容项目立项的批复" in flat
    assert "湘潭市数字政府建设工作领导小组办公室" in flat
    assert "须通过商用密码应用安全性评估后方可上线" in flat  # the 有条件同意 opinion
    assert "数据资源目录须在验收前挂接共享平台" in flat  # a committee member's condition
    assert "须于2027年6月底前建成上线" in flat
    review.refresh_from_db()
    assert f"核定项目总投资{wan_in_document(review.approved_amount)}" in flat
    finance, audit = actors.finance.organisation.name, actors.auditor.organisation.name
    assert f"抄送：{finance}，{audit}。" in flat
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert quote(f"{number}　关于统一政务云基础设施扩容项目立项的批复.pdf") in disposition
    # Every font embedded (no reliance on the reader's fonts), the CJK ones Noto.
    fonts = _pdffonts(response.content).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("Noto-Serif-CJK-SC" in line for line in fonts)


def ready_for_decision_with_conditions(actors):
    from review import services as review_services
    from tests.factories import closed_panel, make_committee, meeting_with, project_in

    project = project_in(actors, "in_review")
    review = project.reviews.get(status="open")
    for task in review.tasks.all():
        conditional = task.function == "security"
        review_services.opinion_sign(
            task=task,
            version=0,
            conclusion="agree_with_conditions" if conditional else "agree",
            text="须通过商用密码应用安全性评估后方可上线。" if conditional else "同意。",
            recommended_amount=Decimal("16740000") if task.function == "fiscal" else None,
            by=actors.reviewers[task.function],
        )
    assert review.tasks.filter(function="security").exists()
    closed_panel(actors, review)
    members = make_committee(actors, 3)
    meeting = meeting_with(actors, members)
    item = review_services.agenda_add(meeting=meeting, review=review, by=actors.office)
    for i, member in enumerate(members):
        review_services.vote_cast(
            item=item,
            member=member,
            choice="approve",
            conditions="数据资源目录须在验收前挂接共享平台。" if i == 0 else "",
            by=member,
        )
    return review_services.item_close(item=item, by=actors.office)


def test_issuing_body_follows_the_jurisdiction_configuration(actors, client):
    review = _approved(actors)
    Jurisdiction.objects.filter(pk=actors.jurisdiction.pk).update(
        issuing_body="某某市政务信息化项目联审办公室"
    )
    client.force_login(actors.office)
    flat = re.sub(
        r"\s+", "", _pdftotext(client.get(reverse("review:notice_pdf", args=[review.pk])).content)
    )
    assert "某某市政务信息化项目联审办公室" in flat and "湘潭市数字政府" not in flat


def test_report_and_minutes_are_numbered_once_final_and_keep_their_number(actors, client):
    review = _approved(actors)
    client.force_login(actors.office)
    url = reverse("review:report_pdf", args=[review.pk])
    first, again = client.get(url), client.get(url)
    number = "潭审评〔2026〕1号"
    assert quote(number) in first["Content-Disposition"]
    assert quote(number) in again["Content-Disposition"]
    flat = re.sub(r"\s+", "", _pdftotext(first.content))
    assert number in flat and "有条件同意" not in flat
    item = review.agenda_items.get()
    minutes = client.get(reverse("review:minutes_pdf", args=[item.meeting_id]))
    assert quote("潭联审纪〔2026〕1号") in minutes["Content-Disposition"]
    assert DocumentNumber.objects.count() == 2


def test_open_review_report_is_not_numbered(actors, client):
    from tests.factories import project_in

    review = project_in(actors, "in_review").reviews.get()
    give_opinions(actors, review, fiscal_amount=Decimal("100000"))
    client.force_login(actors.office)
    response = client.get(reverse("review:report_pdf", args=[review.pk]))
    assert "未定稿" in _pdftotext(response.content)
    assert quote("评审报告（未定稿）.pdf") in response["Content-Disposition"]
    assert not DocumentNumber.objects.exists()


def test_conditional_conclusion_stays_on_one_line_in_the_report_table(actors, client):
    item = ready_for_decision_with_conditions(actors)
    client.force_login(actors.office)
    response = client.get(reverse("review:report_pdf", args=[item.review_id]))
    lines = _pdftotext(response.content).splitlines()
    assert any("有条件同意" in line for line in lines), lines


def test_money_in_documents():
    assert wan_in_document(Decimal("16740000")) == "1674万元"
    assert wan_in_document(Decimal("125000")) == "12.5万元"
    assert wan_in_document(Decimal("1234.56")) == "0.1235万元"


@pytest.mark.django_db(transaction=True)
def test_parallel_issues_get_consecutive_numbers_without_gaps_or_duplicates(postgres_only):
    from core.models import Role
    from tests.concurrency import race
    from tests.factories import JurisdictionFactory

    j = JurisdictionFactory()
    subjects = [Role.objects.create(code=f"race-{i}", name=f"竞争{i}") for i in range(8)]
    outcomes = race(
        *[
            (
                lambda s=s: numbering.issue(
                    jurisdiction=j, kind="approval_notice", year=2026, subject=s
                )
            )
            for s in subjects
        ]
    )
    assert [o.kind for o in outcomes] == ["ok"] * 8, [str(o) for o in outcomes]
    seqs = sorted(DocumentNumber.objects.filter(jurisdiction=j).values_list("seq", flat=True))
    assert seqs == list(range(1, 9))
    # The same document from two threads at once still gets one number.
    again = race(
        *[
            (
                lambda: numbering.issue(
                    jurisdiction=j, kind="approval_notice", year=2026, subject=subjects[0]
                )
            )
            for _ in range(4)
        ]
    )
    assert {o.value.text for o in again} == {"潭审批复〔2026〕" + f"{seqs[0]}号"} or len(
        {o.value.pk for o in again}
    ) == 1
