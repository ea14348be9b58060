import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.audit import audit_verify
from core.models import AuditEvent
from core.models import ReviewFunction as RF
from core.permissions import WorkflowError
from projects import services as project_services
from projects.models import Project
from review import selectors, services
from review.models import Expert, Opinion, Outcome, ReviewRound, Vote
from tests.factories import (
    Actors,
    OrganisationFactory,
    closed_panel,
    complete_fields,
    draft_project,
    give_opinions,
    make_committee,
    make_expert,
    meeting_with,
    project_in,
    ready_for_decision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    return Actors()


# --- rounds and tasks -------------------------------------------------------------------


def test_accept_puts_project_in_the_open_round_with_required_tasks(actors):
    project = project_in(actors, "in_review")
    review = project.reviews.get()
    assert review.round == actors.round
    assert sorted(review.tasks.values_list("function", flat=True)) == [
        "fiscal",
        "investment",  # 发改 is in the default set (004:97, 000:97)
        "security",
        "technical",
    ]


@pytest.mark.parametrize(
    ("level", "crypto", "expected"),
    [(2, "0", False), (3, "0", True), (2, "50000", True)],
)
def test_cryptography_opinion_required_for_level_3_or_crypto_use(actors, level, crypto, expected):
    project = project_in(
        actors,
        "in_review",
        protection_level=level,
        invest_crypto=Decimal(crypto),
        invest_hardware=Decimal("500000") - Decimal(crypto),
    )
    functions = set(project.reviews.get().tasks.values_list("function", flat=True))
    assert ("cryptography" in functions) is expected


def test_annual_submission_needs_an_open_window(actors):
    ReviewRound.objects.update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    project = draft_project(actors)
    project_services.project_confirm(project=project, by=actors.head)
    with pytest.raises(WorkflowError, match="没有开放的申报窗口"):
        project_services.project_submit(project=project, by=actors.officer)


def test_adhoc_submission_needs_no_window_and_joins_an_adhoc_round(actors):
    ReviewRound.objects.all().delete()
    project = project_in(
        actors, "in_review", channel="adhoc", plan_item=None, adhoc_justification="省级部署"
    )
    assert project.reviews.get().round.kind == "adhoc"


# --- opinions ---------------------------------------------------------------------------


def test_signed_opinion_is_immutable_and_correction_needs_a_reason(actors):
    review = project_in(actors, "in_review").reviews.get()
    task = review.tasks.get(function="security")
    opinion = services.opinion_sign(
        task=task, version=0, conclusion="agree", text="同意", by=actors.reviewer
    )
    with pytest.raises(RuntimeError, match="不能修改"):
        opinion.save()
    with pytest.raises(WorkflowError, match="更正须说明理由"):
        services.opinion_sign(
            task=task, version=1, conclusion="disagree", text="不同意", by=actors.reviewer
        )
    services.opinion_sign(
        task=task,
        version=1,
        conclusion="agree_with_conditions",
        text="同意，须补充等保测评",
        correction_reason="遗漏条件",
        by=actors.reviewer,
    )
    assert list(task.opinions.values_list("version", "conclusion")) == [
        (2, "agree_with_conditions"),
        (1, "agree"),
    ]
    assert AuditEvent.objects.filter(action="opinion_correct").count() == 1


def test_opinion_only_by_the_assigned_unit_and_fiscal_needs_amount(actors):
    review = project_in(actors, "in_review").reviews.get()
    task = review.tasks.get(function="fiscal")
    with pytest.raises(WorkflowError, match="该意见应由"):
        services.opinion_sign(
            task=task, version=0, conclusion="agree", text="同意", by=actors.reviewer
        )
    with pytest.raises(WorkflowError, match="须填写建议金额"):
        services.opinion_sign(
            task=task, version=0, conclusion="agree", text="同意", by=actors.reviewers["fiscal"]
        )
    assert not Opinion.objects.exists()


# --- panel ------------------------------------------------------------------------------


def test_panel_draw_excludes_employer_and_declared_conflicts(actors):
    review = project_in(actors, "in_review").reviews.get()
    make_expert(actors, employer=actors.department)
    make_expert(actors, conflicts=[actors.department])
    fine = [make_expert(actors) for _ in range(2)]
    with pytest.raises(WorkflowError, match="符合回避要求的专家只有2人，不足3人"):
        services.panel_draw(review=review, size=3, by=actors.office)
    panel = services.panel_draw(review=review, size=2, by=actors.office)
    assert set(panel.members.values_list("expert_id", flat=True)) == {e.pk for e in fine}


def test_replace_needs_reason_and_picks_another_eligible_expert(actors):
    review = project_in(actors, "in_review").reviews.get()
    experts = [make_expert(actors) for _ in range(3)]
    panel = services.panel_draw(review=review, size=2, by=actors.office)
    member = panel.members.first()
    with pytest.raises(WorkflowError, match="须说明理由"):
        services.panel_replace(member=member, reason=" ", by=actors.office)
    new = services.panel_replace(member=member, reason="出差无法参加", by=actors.office)
    assert new.expert_id not in {m.expert_id for m in panel.members.exclude(pk=new.pk)}
    assert {m.expert_id for m in panel.members.all()} == {e.pk for e in experts}
    assert panel.members.filter(replaced_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("totals", "expected", "trimmed"),
    [
        ((60, 80, 90, 100), Decimal("82.50"), False),
        ((60, 80, 90, 95, 100), Decimal("88.33"), True),
    ],
)
def test_panel_score_plain_mean_under_five_trimmed_mean_from_five(
    actors, totals, expected, trimmed
):
    review = project_in(actors, "in_review").reviews.get()
    panel = closed_panel(actors, review, totals=totals)
    assert panel.score == expected
    assert selectors.panel_score(panel).trimmed is trimmed


def test_experts_score_once_and_only_their_own_seat(actors):
    review = project_in(actors, "in_review").reviews.get()
    make_expert(actors)
    make_expert(actors)
    panel = services.panel_draw(review=review, size=2, by=actors.office)
    first, second = panel.members.select_related("expert__user")
    values = {"necessity": 90}
    with pytest.raises(WorkflowError, match="只能为分配给本人的项目评分"):
        services.score_submit(member=first, values=values, by=second.expert.user)
    with pytest.raises(WorkflowError, match="请为“可行性”评分"):
        services.score_submit(member=first, values=values, by=first.expert.user)
    with pytest.raises(WorkflowError, match="尚有专家未评分"):
        services.panel_close(panel=panel, by=actors.office)


# --- meeting: quorum, recusal, votes ----------------------------------------------------


@pytest.mark.parametrize(
    ("members", "present", "quorum"),
    [(6, 4, True), (6, 3, False), (3, 2, True), (9, 5, False)],
)
def test_quorum_is_two_thirds_inclusive(members, present, quorum):
    settings = selectors.settings_for(None)
    assert selectors.quorum_met(present, members, settings) is quorum


@pytest.mark.parametrize(
    ("votes", "rule", "result"),
    [
        ((3, 2, 0), "majority", "approve"),
        ((2, 2, 0), "majority", "reject"),  # a tie is not more than half
        ((2, 1, 1), "majority", "send_back"),  # reject and send back tie: send back
        ((1, 1, 2), "majority", "send_back"),
        ((2, 1, 0), "two_thirds", "approve"),  # exactly two thirds passes
        ((3, 2, 0), "two_thirds", "reject"),
        ((0, 0, 0), "majority", ""),
    ],
)
def test_vote_result_thresholds(votes, rule, result):
    assert selectors.vote_result(*votes, rule) == result


def _item(actors, members, present=None, project=None):
    project = project or project_in(actors, "in_review")
    review = project.reviews.get(status="open")
    meeting = meeting_with(actors, members, present=present)
    return services.agenda_add(meeting=meeting, review=review, by=actors.office)


def test_members_of_the_applicant_department_are_recused(actors):
    others = make_committee(actors, 2)
    own = make_committee(actors, 1, organisation=actors.department)[0]
    item = _item(actors, [*others, own])
    with pytest.raises(WorkflowError, match="回避"):
        services.vote_cast(item=item, member=own, choice="approve", by=own)
    for member in others:
        services.vote_cast(item=item, member=member, choice="approve", by=member)
    tally = selectors.item_tally(item)
    assert (tally.present, tally.recused, tally.approve, tally.quorum_met) == (3, 1, 2, True)


def test_vote_can_change_until_the_item_is_closed(actors):
    members = make_committee(actors, 3)
    item = _item(actors, members)
    a = members[0]
    services.vote_cast(item=item, member=a, choice="reject", by=a)
    services.vote_cast(item=item, member=a, choice="approve", by=a)
    assert Vote.objects.get(item=item, member=a).choice == "approve"
    services.vote_cast(item=item, member=members[1], choice="approve", by=members[1])
    item = services.item_close(item=item, by=actors.office)
    assert item.result == "approve" and item.tally["approve"] == 2
    with pytest.raises(WorkflowError, match="已结束表决，不能再投票或改票"):
        services.vote_cast(item=item, member=a, choice="reject", by=a)
    assert Vote.objects.get(item=item, member=a).choice == "approve"


def test_absent_member_cannot_vote(actors):
    members = make_committee(actors, 3)
    item = _item(actors, members, present=members[:2])
    with pytest.raises(WorkflowError, match="未出席"):
        services.vote_cast(item=item, member=members[2], choice="approve", by=members[2])


# --- decision ---------------------------------------------------------------------------


def test_approve_sets_lower_of_requested_and_fiscal_recommendation(
    actors, django_capture_on_commit_callbacks
):
    item = ready_for_decision(actors, fiscal_amount=Decimal("800000"))
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_decide(item=item, decision="approve", by=actors.office)
    project = review.project
    project.refresh_from_db()
    assert project.status == "approved"
    assert project.approved_amount == Decimal("800000")
    assert review.status == "decided"
    assert actors.officer.notifications.filter(text__contains="核定投资").exists()
    assert AuditEvent.objects.filter(project=project, action="approve").exists()
    assert audit_verify() is None


def test_amount_override_needs_a_reason(actors):
    item = ready_for_decision(actors, fiscal_amount=Decimal("800000"))
    with pytest.raises(WorkflowError, match="须说明调整理由"):
        services.review_decide(
            item=item, decision="approve", amount=Decimal("900000"), by=actors.office
        )
    review = services.review_decide(
        item=item,
        decision="approve",
        amount=Decimal("900000"),
        override_reason="会议同意恢复安全投入",
        by=actors.office,
    )
    assert review.project.approved_amount == Decimal("900000")


@pytest.mark.parametrize(
    ("votes", "decision"),
    [(("reject", "reject", "approve"), "reject"), (("send_back",) * 3, "send_back")],
)
def test_reject_and_send_back_follow_the_vote(actors, votes, decision):
    item = ready_for_decision(actors, votes=votes)
    review = services.review_decide(item=item, decision=decision, comment="意见", by=actors.office)
    review.project.refresh_from_db()
    assert review.project.status == {"reject": "rejected", "send_back": "returned"}[decision]
    assert review.project.approved_amount is None


def test_decision_refused_when_it_contradicts_the_vote(actors):
    item = ready_for_decision(actors, votes=("reject", "reject", "approve"))
    with pytest.raises(WorkflowError, match=f"与会议表决结果“{Outcome.REJECT.label}”不一致"):
        services.review_decide(item=item, decision="approve", by=actors.office)
    item.review.project.refresh_from_db()
    assert item.review.project.status == "in_review"


def test_decision_refused_without_quorum(actors):
    project = project_in(actors, "in_review")
    review = project.reviews.get()
    give_opinions(actors, review, fiscal_amount=Decimal("1"))
    closed_panel(actors, review)
    members = make_committee(actors, 4)
    item = _item(actors, members, present=members[:2], project=project)
    for m in members[:2]:
        services.vote_cast(item=item, member=m, choice="approve", by=m)
    item = services.item_close(item=item, by=actors.office)
    with pytest.raises(WorkflowError, match="未达到法定人数"):
        services.review_decide(item=item, decision="approve", by=actors.office)


def test_decision_refused_with_missing_opinions_or_open_panel_or_open_item(actors):
    project = project_in(actors, "in_review")
    review = project.reviews.get()
    members = make_committee(actors, 3)
    item = _item(actors, members, project=project)
    with pytest.raises(
        WorkflowError,
        match="尚缺书面意见："
        + "、".join(f.label for f in (RF.SECURITY, RF.TECHNICAL, RF.INVESTMENT, RF.FISCAL)),
    ):
        services.review_decide(item=item, decision="approve", by=actors.office)
    give_opinions(actors, review, fiscal_amount=Decimal("1"))
    with pytest.raises(WorkflowError, match="专家评审尚未结束"):
        services.review_decide(item=item, decision="approve", by=actors.office)
    closed_panel(actors, review)
    with pytest.raises(WorkflowError, match="尚未结束该议题的表决"):
        services.review_decide(item=item, decision="approve", by=actors.office)


def test_only_the_office_decides(actors):
    item = ready_for_decision(actors)
    with pytest.raises(WorkflowError, match="只有牵头部门"):
        services.review_decide(item=item, decision="approve", by=actors.leader)


def test_every_step_is_audited(actors):
    ready_for_decision(actors)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"opinion_sign", "panel_draw", "score", "panel_close", "vote", "item_close"} <= actions
    assert Expert.objects.count() == 3
    assert audit_verify() is None


def test_department_can_resubmit_after_send_back_and_gets_a_new_review(actors):
    item = ready_for_decision(actors, votes=("send_back",) * 3)
    review = services.review_decide(item=item, decision="send_back", by=actors.office)
    project = review.project
    project.refresh_from_db()
    project_services.project_confirm(project=project, by=actors.head)
    project = project_services.project_submit(project=project, by=actors.officer)
    project = services.review_accept(project=project, by=actors.office)
    assert project.reviews.filter(status="open").count() == 1
    assert project.reviews.count() == 2
    assert OrganisationFactory  # the factory module stays importable for helpers


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"protection_level": 2},
            "项目须部署在政务云，运行在电子政务外网，按网络安全等级保护第二级要求同步建设安全保障措施。",
        ),
        (
            {
                "protection_level": 3,
                "deployment": "own_room",
                "own_room_interface": "人口核验接口",
            },
            "项目经批准在自建机房部署，须按承诺向共享平台开放数据共享接口（人口核验接口），"
            "按网络安全等级保护第三级要求同步建设安全保障措施，同步开展商用密码应用建设和密码应用安全性评估。",
        ),
        (
            {"classified": True, "network": "intranet", "protection_level": 3},
            "项目为涉密系统，须按保密管理规定部署在电子政务内网，按网络安全等级保护第三级要求同步建设安全保障措施，"
            "同步开展商用密码应用建设和密码应用安全性评估。",
        ),
    ],
)
def test_notice_deployment_condition_follows_the_project(actors, fields, expected):
    from review.documents import deployment_condition

    project = Project(**{**complete_fields(actors.jurisdiction), "plan_item": None, **fields})
    assert deployment_condition(project) == expected
