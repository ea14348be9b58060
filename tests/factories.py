"""Factories. Projects reach their states through the services, never by raw inserts."""

import io
import zipfile
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Jurisdiction, Organisation, Role, User
from projects import services
from projects.models import AnnualPlan, AnnualPlanItem, CommonPlatform, Project
from review.services import review_accept

PDF = b"%PDF-1.4\n%test\n%%EOF\n"
ROLE_NAMES = {
    Role.DEPT_OFFICER: "申报经办人",
    Role.DEPT_HEAD: "单位负责人",
    Role.OFFICE: "牵头部门",
    Role.REVIEWER: "审查成员单位",
    Role.EXPERT: "评审专家",
    Role.COMMITTEE: "联审委员",
    Role.FINANCE: "财政",
    Role.AUDITOR: "审计",
    Role.LEADER: "领导",
    Role.ADMIN: "系统管理员",
}


def role(code):
    return Role.objects.get_or_create(code=code, defaults={"name": ROLE_NAMES[code]})[0]


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ["code"]

    code = "xt"
    name = "湘潭市"
    level = "city"
    require_head_confirmation = True
    doc_abbreviation = "潭"
    issuing_body = "湘潭市数字政府建设工作领导小组办公室"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"湘潭市测试局{n}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    kind = "department"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("pw-Test-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([role(code) for code in extracted])


def platform(code="uia", name="统一身份认证"):
    return CommonPlatform.objects.get_or_create(code=code, defaults={"name": name})[0]


def plan_item(jurisdiction, year=2026, code="01"):
    plan, _ = AnnualPlan.objects.get_or_create(
        jurisdiction=jurisdiction, year=year, defaults={"title": f"{year}年度任务清单"}
    )
    return AnnualPlanItem.objects.get_or_create(
        plan=plan, code=code, defaults={"name": "政务云扩容"}
    )[0]


def complete_fields(jurisdiction, **overrides):
    """Fields of a proposal that passes every preflight rule (with its attachments)."""
    fields = {
        "name": "统一政务云基础设施扩容",
        "category": "new",
        "channel": "annual",
        "plan_item": plan_item(jurisdiction),
        "adhoc_justification": "",
        "start_year": 2026,
        "end_year": 2026,
        "summary": "扩容政务云计算和存储资源。",
        "invest_hardware": Decimal("500000"),
        "invest_software": Decimal("300000"),
        "invest_services": Decimal("100000"),
        "invest_security": Decimal("100000"),
        "invest_crypto": Decimal("0"),
        "invest_other": Decimal("0"),
        "protection_level": 2,
        "classified": False,
        "deployment": "gov_cloud",
        "own_room_reason": "",
        "network": "extranet",
    }
    fields.update(overrides)
    return fields


def office_file(parts=None) -> bytes:
    """A small real Office Open XML container (zip), e.g. a docx, built in memory."""
    parts = parts or {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "word/document.xml": "<w:document><w:body>建设方案</w:body></w:document>".encode(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class Actors:
    """One user per role around one department of one jurisdiction."""

    def __init__(self, jurisdiction=None):
        self.jurisdiction = jurisdiction or JurisdictionFactory()
        j = self.jurisdiction
        self.department = OrganisationFactory(jurisdiction=j, name="湘潭市大数据中心")
        self.other_department = OrganisationFactory(jurisdiction=j, name="湘潭市公安局")
        office = OrganisationFactory(jurisdiction=j, kind="office", name="湘潭市行政审批局")
        self.officer = UserFactory(organisation=self.department, roles=[Role.DEPT_OFFICER])
        self.head = UserFactory(organisation=self.department, roles=[Role.DEPT_HEAD])
        self.other_officer = UserFactory(
            organisation=self.other_department, roles=[Role.DEPT_OFFICER]
        )
        self.office = UserFactory(organisation=office, roles=[Role.OFFICE])
        self.leader = UserFactory(
            organisation=OrganisationFactory(jurisdiction=j, kind="leading_group"),
            roles=[Role.LEADER],
        )
        self.reviewer = UserFactory(
            organisation=OrganisationFactory(
                jurisdiction=j, kind="reviewing_unit", review_function="security"
            ),
            roles=[Role.REVIEWER],
        )
        self.expert = UserFactory(
            organisation=OrganisationFactory(jurisdiction=j, kind="expert_employer"),
            roles=[Role.EXPERT],
        )
        self.committee = UserFactory(
            organisation=OrganisationFactory(jurisdiction=j, kind="leading_group"),
            roles=[Role.COMMITTEE],
        )
        self.finance = UserFactory(
            organisation=OrganisationFactory(jurisdiction=j, kind="finance"),
            roles=[Role.FINANCE],
        )
        self.auditor = UserFactory(
            organisation=OrganisationFactory(jurisdiction=j, kind="audit"),
            roles=[Role.AUDITOR],
        )
        self.admin = UserFactory(organisation=None, roles=[Role.ADMIN])
        self.reviewers = {"security": self.reviewer}
        for function in ("cryptography", "technical", "investment", "fiscal"):
            self.reviewers[function] = UserFactory(
                organisation=OrganisationFactory(
                    jurisdiction=j, kind="reviewing_unit", review_function=function
                ),
                roles=[Role.REVIEWER],
            )
        self.round = open_round(j, self.office)

    def by_role(self):
        return {
            "dept_officer": self.officer,
            "dept_head": self.head,
            "office": self.office,
            "leader": self.leader,
            "reviewer": self.reviewer,
            "expert": self.expert,
            "committee": self.committee,
            "finance": self.finance,
            "auditor": self.auditor,
            "admin": self.admin,
            "other_dept_officer": self.other_officer,
        }


def open_round(jurisdiction, office, year=2026, batch=1):
    """An annual round whose application window is open today (created by the service)."""
    import datetime as dt

    from django.utils import timezone

    from review.models import ReviewRound
    from review.services import round_create

    existing = ReviewRound.objects.filter(
        jurisdiction=jurisdiction, occasion="approval", kind="annual", year=year, batch=batch
    ).first()
    today = timezone.localdate()
    return existing or round_create(
        jurisdiction=jurisdiction,
        kind="annual",
        year=year,
        batch=batch,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=30),
        by=office,
    )


def draft_project(actors, complete=True, **overrides):
    fields = complete_fields(actors.jurisdiction, **overrides) if complete else overrides
    project = services.project_save_draft(
        by=actors.officer,
        fields=fields,
        platforms=[platform()] if complete else [],
        data_resources=[
            {"name": "人口基础数据", "sharing_mode": "conditional", "consumers": "市公安局"}
        ]
        if complete
        else [],
    )
    if complete:
        services.attachment_add(
            project=project, kind="data_catalogue", upload=upload(), by=actors.officer
        )
        if fields.get("protection_level", 0) >= 3:
            services.attachment_add(
                project=project, kind="crypto_plan", upload=upload(), by=actors.officer
            )
    return project


def justify_similar(actors, project):
    """Tests build many projects alike: answer R7 in writing, as a department would."""
    from projects import rules

    r7 = next(r for r in rules.preflight(project) if r.rule.id == "R7")
    if r7.status == rules.WARNING:
        services.justification_set(
            project=project, rule_id="R7", text="与相似项目建设内容不重叠。", by=actors.officer
        )


def project_in(actors, state, **overrides) -> Project:
    """A project brought to ``state`` through the services (states reachable so far)."""
    project = draft_project(actors, **overrides)
    if state == "draft":
        return project
    justify_similar(actors, project)
    services.project_confirm(project=project, by=actors.head)
    project = services.project_submit(project=project, by=actors.officer)
    if state == "submitted":
        return project
    if state == "returned":
        return services.project_return(project=project, by=actors.office, reason="补充材料")
    project = review_accept(project=project, by=actors.office)
    if state == "in_review":
        return project
    if state == "suspended":
        return services.project_suspend(project=project, by=actors.office, reason="统筹论证")
    if state == "terminated":
        return services.project_terminate(project=project, by=actors.office, reason="并入省级")
    raise ValueError(f"state {state} is not reachable through the services yet")


# Review (SPEC §4) helpers: each step goes through review.services.


def make_expert(actors, employer=None, conflicts=()):
    from review.models import Expert

    employer = employer or OrganisationFactory(
        jurisdiction=actors.jurisdiction, kind="expert_employer"
    )
    user = UserFactory(organisation=employer, roles=[Role.EXPERT])
    expert = Expert.objects.create(user=user, jurisdiction=actors.jurisdiction, employer=employer)
    expert.conflicts.set(conflicts)
    return expert


def make_committee(actors, n, organisation=None):
    org = organisation or OrganisationFactory(
        jurisdiction=actors.jurisdiction, kind="leading_group"
    )
    return [UserFactory(organisation=org, roles=[Role.COMMITTEE]) for _ in range(n)]


def give_opinions(actors, review, fiscal_amount=None):
    from review import services as review_services

    for task in review.tasks.all():
        review_services.opinion_sign(
            task=task,
            version=0,
            conclusion="agree",
            text="同意。",
            recommended_amount=fiscal_amount if task.function == "fiscal" else None,
            by=actors.reviewers[task.function],
        )


def closed_panel(actors, review, totals=(80, 85, 90)):
    """Draw a panel of len(totals) experts, each scoring every criterion ``total``."""
    from review import selectors
    from review import services as review_services

    for _ in totals:
        make_expert(actors)
    panel = review_services.panel_draw(review=review, size=len(totals), by=actors.office)
    criteria = selectors.criteria_for(
        jurisdiction_id=actors.jurisdiction.pk, occasion=review.occasion
    )
    members = panel.members.select_related("expert__user").order_by("pk")
    for member, value in zip(members, totals, strict=True):
        review_services.score_submit(
            member=member, values={c[0]: value for c in criteria}, by=member.expert.user
        )
    return review_services.panel_close(panel=panel, by=actors.office)


def meeting_with(actors, members, present=None):

    from review import services as review_services

    meeting = review_services.meeting_create(
        jurisdiction=actors.jurisdiction,
        title="2026年第1次联审会议",
        held_on=timezone.localdate(),
        members=members,
        by=actors.office,
    )
    for user in members if present is None else present:
        review_services.attendance_set(meeting=meeting, user=user, present=True, by=actors.office)
    return meeting


def ready_for_decision(
    actors, project=None, votes=("approve", "approve", "approve"), fiscal_amount=None
):
    """A project in review with opinions, a closed panel and a closed, voted agenda item."""
    from review import services as review_services

    project = project or project_in(actors, "in_review")
    review = project.reviews.get(status="open")
    give_opinions(actors, review, fiscal_amount=fiscal_amount or project.total_investment)
    closed_panel(actors, review)
    members = make_committee(actors, len(votes))
    meeting = meeting_with(actors, members)
    item = review_services.agenda_add(meeting=meeting, review=review, by=actors.office)
    for member, choice in zip(members, votes, strict=True):
        review_services.vote_cast(item=item, member=member, choice=choice, by=member)
    return review_services.item_close(item=item, by=actors.office)


# --- Funding (budget app) -------------------------------------------------------------


def approved_project(actors, amount, **overrides) -> Project:
    """A project approved through the joint review with ``amount`` yuan as its 核定投资.

    The fiscal review recommends ``amount`` (at most the requested total), so the default
    approved amount is exactly ``amount``.
    """
    from review import services as review_services

    project = project_in(actors, "in_review", **overrides)
    item = ready_for_decision(actors, project, fiscal_amount=Decimal(amount))
    review_services.review_decide(item=item, decision="approve", by=actors.office)
    project.refresh_from_db()
    assert project.approved_amount == Decimal(amount)
    return project


# --- Acceptance (acceptance app) --------------------------------------------------------


def acceptance_ready(actors, project, *, reports_on=None, initial=True):
    """Everything R8 asks of ``project`` (in construction) on record, through the services:
    the reports its protection level needs, dated ``reports_on`` (default: today), the
    go-live risk assessment, every archive document, each data resource's sharing, and a
    passed 初验 (``initial``)."""
    from django.utils import timezone

    from acceptance import services as acceptance
    from acceptance.models import ChecklistDocument as Doc

    day = reports_on or timezone.localdate()
    level = project.protection_level or 0
    reports = [Doc.Kind.RISK]
    reports += [Doc.Kind.MLPS] if level >= 2 else []
    reports += [Doc.Kind.CRYPTO] if level >= 3 else []
    for kind in reports:
        acceptance.document_add(
            project=project,
            kind=kind,
            upload=upload(f"{kind}.pdf"),
            level=level if kind == Doc.Kind.MLPS else None,
            issuer="湖南省网络安全测评中心",
            issued_on=day,
            conclusion="pass",
            by=actors.officer,
        )
    for kind in Doc.ARCHIVE:
        acceptance.document_add(
            project=project, kind=kind, upload=upload(f"{kind}.pdf"), by=actors.officer
        )
    for resource in project.data_resources.all():
        acceptance.sharing_set(
            resource=resource, status="shared", platform_code="XT-0001", by=actors.officer
        )
    if initial:
        initial_passed(actors, project)
    return project


def initial_passed(actors, project, conclusion="passed"):
    """The office records a 初验 of ``project`` (R10: milestones tied to 初验 may be paid)."""
    from django.utils import timezone

    from acceptance import services as acceptance

    return acceptance.initial_acceptance_record(
        project=project,
        held_on=timezone.localdate(),
        participants="市行政审批局、建设单位、监理单位",
        conclusion=conclusion,
        upload=upload("初验报告.pdf"),
        by=actors.office,
    )


def acceptance_requested(actors, project, final_progress=100):
    """Apply for acceptance (R8 must hold); returns the new AcceptanceRound."""
    from acceptance import services as acceptance

    return acceptance.acceptance_request(
        project=project, final_progress=final_progress, by=actors.officer
    )


def acceptance_reviewed(actors, round_):
    """The round's acceptance opinions (发改, 工信, 财政) given and its expert panel closed."""
    review = round_.review
    give_opinions(actors, review)
    closed_panel(actors, review)
    return round_


def finding(text="等保测评中发现的中危漏洞未整改", days=30, owner="张三"):
    import datetime as dt

    from django.utils import timezone

    from acceptance.services.rounds import Finding

    return Finding(text, timezone.localdate() + dt.timedelta(days=days), owner)


def acceptance_decided(actors, round_, decision="accept", findings=()):
    from acceptance import services as acceptance

    return acceptance.acceptance_decide(
        round=round_,
        decision=decision,
        opinion="验收组审阅材料并现场核验，同意通过验收。"
        if decision == "accept"
        else "存在问题，须限期整改后重新申请验收。",
        findings=findings,
        by=actors.office,
    )


def mark_accepted(actors, project) -> Project:
    """Bring an in-construction project to accepted through the services: R8 checklist and
    初验, the acceptance request, opinions and panel of the acceptance review, the decision."""
    acceptance_ready(actors, project)
    round_ = acceptance_reviewed(actors, acceptance_requested(actors, project))
    acceptance_decided(actors, round_)
    project.refresh_from_db()
    return project


def special_fund(actors, amount, year=2026):
    from budget.services import fund_set

    return fund_set(
        jurisdiction=actors.jurisdiction, year=year, amount=Decimal(amount), by=actors.finance
    )


MILESTONES_30_40_30 = [
    {"name": "签订合同", "percent": 30, "is_final": False},
    {"name": "初验", "percent": 40, "is_final": False, "trigger": "initial"},
    {"name": "终验", "percent": 30, "is_final": True},
]


def building_project(
    actors,
    approved="1000000",
    contract="1000000",
    fund="50000000",
    milestones=None,
    year=2026,
    **overrides,
):
    """An approved project listed in the budget (one line = approved amount), with a
    recorded contract, in construction. Returns (project, line, contract)."""

    from budget import services as budget

    if not _fund_exists(actors, year):
        special_fund(actors, fund, year)
    project = approved_project(actors, approved, **overrides)
    project = budget.list_in_budget(
        project=project, allocations=[(year, Decimal(approved))], by=actors.finance
    )
    recorded = budget.contract_record(
        project=project,
        by=actors.officer,
        name="系统建设合同",
        vendor="湖南某信息技术有限公司",
        method="open",
        amount=Decimal(contract),
        signed_on=timezone.localdate(),
        milestones=milestones or MILESTONES_30_40_30,
    )
    project = budget.project_start_construction(project=project, by=actors.officer)
    return project, project.budget_lines.get(), recorded


def _fund_exists(actors, year):
    from budget.models import SpecialFund

    return SpecialFund.objects.filter(jurisdiction=actors.jurisdiction, year=year).exists()


def disbursement_in(actors, state, *, project, line, milestone, amount="100000"):
    """A disbursement brought to ``state`` through the services."""

    from budget import services as budget

    d = budget.disbursement_create(
        project=project,
        milestone=milestone,
        budget_line=line,
        amount=Decimal(amount),
        by=actors.officer,
    )
    if state == "draft":
        return d
    d = budget.disbursement_submit(disbursement=d, by=actors.officer)
    if state == "submitted":
        return d
    if state == "returned":
        return budget.disbursement_return(disbursement=d, by=actors.office, reason="请补充发票")
    if state == "rejected":
        return budget.disbursement_reject(disbursement=d, by=actors.office, reason="不符合拨付条件")
    d = budget.disbursement_verify(disbursement=d, by=actors.office)
    if state == "verified":
        return d
    d = budget.disbursement_approve(disbursement=d, by=actors.finance)
    if state == "approved":
        return d
    if state == "paid":
        return budget.disbursement_pay(
            disbursement=d,
            by=actors.finance,
            voucher_no="PZ-2026-001",
            paid_on=timezone.localdate(),
        )
    raise ValueError(state)
