"""Acceptance demo for 湘潭市, built through the services (called by ``manage.py seed_demo``
after the funding demo). It takes the demo's in-construction projects by state, not by name:
one awaits its acceptance decision, one is rectifying, one is accepted after a round of
rectification (as many as there are, keeping one in construction); an inspection finding and
the auditor's first record complete the register and the audit list.

Each project's steps run with time_machine at instants after its last recorded event and no
later than now, spread evenly, so every timeline stays in order. Idempotent: skipped once any
rectification item exists in the jurisdiction.
"""

import datetime as dt
import random

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from core.models import AuditEvent, Jurisdiction, Organisation, User
from projects.demo import JURISDICTION
from projects.models import Project
from review import selectors as review_selectors
from review import services as review_services

from . import services
from .models import AuditEntry, ChecklistDocument, RectificationItem
from .services.rounds import Finding

K = ChecklistDocument.Kind
PDF = b"%PDF-1.4\n% demo document\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OPINIONS = {
    "investment": "项目按批复内容建成，投资控制在核定范围内，同意验收。",
    "technical": "系统功能和性能满足设计要求，已通过等保测评，同意验收。",
    "fiscal": "资金使用规范，尾款待验收后按合同支付，同意验收。",
}


def _users() -> dict[str, User]:
    return {
        u.username: u for u in User.objects.filter(organisation__jurisdiction__code=JURISDICTION)
    }


def _officer(project, users):
    """The department's officer who wrote the proposal prepares its acceptance too."""
    return project.created_by


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Clock:
    """Instants for a project's next ``steps``, after its last event and not after now."""

    def __init__(self, project, steps):
        last = AuditEvent.objects.filter(project=project).aggregate(t=Max("created_at"))["t"]
        now = timezone.now()
        start = min(last or now, now)
        self.step = min(dt.timedelta(days=2), (now - start) / (steps + 1))
        self.at = start

    def tick(self):
        self.at += self.step
        return time_machine.travel(self.at, tick=False)


def ready(project, users, clock):
    """初验 (office) and the R8 checklist (department), through the services."""
    officer = _officer(project, users)
    with clock.tick():
        services.initial_acceptance_record(
            project=project,
            held_on=timezone.localdate(),
            participants=f"市行政审批局、{project.department.name}、监理单位、承建单位",
            conclusion="passed",
            remarks="系统功能基本完成，试运行稳定，同意进入试运行。",
            upload=_pdf("初验报告.pdf"),
            by=users["office"],
        )
    with clock.tick():
        level = project.protection_level or 0
        reports = [K.RISK] + ([K.MLPS] if level >= 2 else []) + ([K.CRYPTO] if level >= 3 else [])
        for kind in reports:
            services.document_add(
                project=project,
                kind=kind,
                upload=_pdf(f"{K(kind).label}.pdf"),
                level=level if kind == K.MLPS else None,
                issuer="湖南省网络安全测评中心" if kind != K.CRYPTO else "湖南省密码应用测评中心",
                issued_on=timezone.localdate(),
                conclusion="pass",
                by=officer,
            )
        for kind in ChecklistDocument.ARCHIVE:
            services.document_add(
                project=project, kind=kind, upload=_pdf(f"{K(kind).label}.pdf"), by=officer
            )
        for index, resource in enumerate(project.data_resources.all(), start=1):
            services.sharing_set(
                resource=resource,
                status="shared",
                platform_code=f"XT-{project.pk:04d}-{index:02d}",
                by=officer,
            )


def _unit_reviewer(task):
    """The reviewing unit's user who signs its opinions."""
    return User.objects.filter(organisation_id=task.organisation_id, roles__code="reviewer").first()


def request(project, users, clock):
    with clock.tick():
        return services.acceptance_request(
            project=project,
            final_progress=100,
            summary="项目已按批复内容建成，试运行三个月，运行稳定。",
            by=_officer(project, users),
        )


def review(round_, users, clock, *, opinions=True, panel=True):
    rev = round_.review
    if opinions:
        for task in rev.tasks.all():
            with clock.tick():
                review_services.opinion_sign(
                    task=task,
                    version=0,
                    conclusion="agree",
                    text=f"第{round_.number}轮验收，经核查{rev.project.name}："
                    + OPINIONS.get(task.function, "同意验收。"),
                    by=_unit_reviewer(task),
                )
    if not panel:
        return
    rng = random.Random(round_.pk)
    with clock.tick():
        drawn = review_services.panel_draw(review=rev, size=5, by=users["office"], rng=rng)
    criteria = review_selectors.criteria_for(
        jurisdiction_id=rev.project.jurisdiction_id, occasion="acceptance"
    )
    for seat in drawn.members.select_related("expert__user"):
        base = rng.randint(78, 92)
        with clock.tick():
            review_services.score_submit(
                member=seat,
                values={code: min(100, base + rng.randint(-4, 4)) for code, _, _ in criteria},
                comment=f"{seat.expert.user.full_name}：第{round_.number}轮，资料齐全，系统运行稳定（{base}分档）。",
                by=seat.expert.user,
            )
    with clock.tick():
        review_services.panel_close(panel=drawn, by=users["office"])


def decide(round_, users, clock, findings=()):
    with clock.tick():
        deadline = timezone.localdate() + dt.timedelta(days=30)
        return services.acceptance_decide(
            round=round_,
            decision="rectify" if findings else "accept",
            opinion="验收组审阅了验收材料并现场核验，"
            + ("存在以下问题，须限期整改后重新申请验收。" if findings else "同意通过竣工验收。"),
            findings=[Finding(text, deadline, owner) for text, owner in findings],
            by=users["office"],
        )


def close_items(round_, users, clock, project):
    officer = _officer(project, users)
    for item in round_.items.order_by("pk"):
        with clock.tick():
            item = services.item_respond(
                item=item,
                response="已完成整改，附复测报告。",
                evidence=_pdf("整改佐证.pdf"),
                version=item.version,
                by=officer,
            )
        with clock.tick():
            services.item_close(item=item, by=users["office"], comment="整改到位，予以销号")


FINDINGS = [
    ("等保测评发现的2项中危漏洞尚未修复", "系统管理员"),
    ("运维手册和用户手册未随系统归档", "项目负责人"),
]


def accept(project) -> Project:
    """Carry one in-construction project to accepted through the services (the funding demo
    calls this before paying the final milestone)."""
    users, clock = _users(), Clock(project, 20)
    ready(project, users, clock)
    round_ = request(project, users, clock)
    review(round_, users, clock)
    decide(round_, users, clock)
    return Project.objects.get(pk=project.pk)


def _accepted_after_rectification(project, users):
    clock = Clock(project, 40)
    ready(project, users, clock)
    first = request(project, users, clock)
    review(first, users, clock)
    decide(first, users, clock, FINDINGS)
    close_items(first, users, clock, Project.objects.get(pk=project.pk))
    second = request(project, users, clock)
    review(second, users, clock)
    decide(second, users, clock)


def _audit_started(jurisdiction, users):
    """The auditor starts on the first project of the year's list."""
    entry = AuditEntry.objects.filter(jurisdiction=jurisdiction).order_by("pk").first()
    if entry is None:
        return
    with Clock(entry.project, 1).tick():
        services.audit_entry_update(
            entry=entry,
            status="auditing",
            note="已进场审计，重点核查合同履约和资金支付。",
            version=entry.version,
            by=users["audit"],
        )


def _rectifying(project, users):
    clock = Clock(project, 30)
    ready(project, users, clock)
    round_ = request(project, users, clock)
    review(round_, users, clock)
    decide(
        round_, users, clock, FINDINGS[:1] + [("数据共享接口调用量未达共享清单承诺", "数据管理员")]
    )
    item = round_.items.order_by("pk").first()
    with clock.tick():
        services.item_respond(
            item=item,
            response="已修复漏洞并完成复测。",
            evidence=_pdf("复测报告.pdf"),
            version=item.version,
            by=_officer(project, users),
        )


def _awaiting_decision(project, users):
    clock = Clock(project, 12)
    ready(project, users, clock)
    round_ = request(project, users, clock)
    review(round_, users, clock, panel=False)


def _inspection(jurisdiction, users):
    department = (
        Organisation.objects.filter(jurisdiction=jurisdiction, kind="department")
        .exclude(code="xt-dsj")
        .order_by("code")
        .first()
    )
    if department is None:
        return
    services.item_create(
        jurisdiction=jurisdiction,
        department=department,
        source="inspection",
        description="“四不两直”督查发现：政务外网接入终端未安装准入控制软件",
        deadline=timezone.localdate() + dt.timedelta(days=15),
        owner="信息科负责人",
        by=users["office"],
    )


# In this order, while at least one project stays in construction (the funding demo has
# already accepted one through ``accept``).
PLAN = [_awaiting_decision, _rectifying, _accepted_after_rectification]


def seed() -> int:
    """Returns how many projects went through acceptance this run (0 when already seeded)."""
    jurisdiction = Jurisdiction.objects.get(code=JURISDICTION)
    if RectificationItem.objects.filter(jurisdiction=jurisdiction).exists():
        return 0
    users = _users()
    candidates = list(
        Project.objects.filter(jurisdiction=jurisdiction, status="in_construction")
        .select_related("department")
        .order_by("pk")
    )
    taken = candidates[: max(len(candidates) - 1, 0)]
    for project, step in zip(taken, PLAN, strict=False):
        step(project, users)
    _inspection(jurisdiction, users)
    _audit_started(jurisdiction, users)
    return min(len(taken), len(PLAN))
