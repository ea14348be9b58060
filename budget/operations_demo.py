"""Demo of the back half after acceptance (issue 10 items 5, 7, 8), built through the services
and called once by ``manage.py seed_demo`` after the other demos.

Projects are selected by state, never by their place in another demo: accepted projects whose
post-evaluation is due are evaluated (the overdue one is left overdue, one due one is left as
the office's to-do), an O&M round of this year grants the compliant and denies the failing
(R9), one project in construction is suspended and another terminated (its unpaid budget goes
back to the fund). Each step runs, with time_machine, after the project's last record and
never later than now. Idempotent: skipped once the jurisdiction has an O&M round.
"""

import datetime as dt
import random
from decimal import Decimal

import time_machine
from django.db.models import Count, Max
from django.utils import timezone

from core.models import AuditEvent, Jurisdiction, User
from projects import services as project_services
from projects.demo import JURISDICTION, ensure_users
from projects.models import Project
from review import evaluation as ev
from review import selectors as review_selectors
from review import services as review_services

from . import services
from .models import OmRound, SpecialFund
from .om_rules import OM_STATES, r9_failures

D = Decimal
CONCLUSIONS = [
    "系统上线后运行稳定，业务办理实现全流程网上办理，数据已按共享清单接入市数据共享交换平台；"
    "建议进一步完善统计分析功能。",
    "项目基本达到建设目标，实用性较好；部分数据资源共享时效性不足，建议限期完善接口。",
]


def _last_record(project):
    return AuditEvent.objects.filter(project=project).aggregate(t=Max("created_at"))["t"]


def _after(project, earliest=None, hours=2):
    """A moment after the project's last record (and after ``earliest``), at most now."""
    moment = max(filter(None, [_last_record(project), earliest])) + dt.timedelta(hours=hours)
    return time_machine.travel(min(moment, timezone.now()), tick=False)


def _evaluate(project, users, rng, complete=True):
    flag, facts = ev.evaluation_state(project)
    opens = timezone.make_aware(dt.datetime.combine(facts["due_from"], dt.time(9)))
    with _after(project, opens):
        evaluation = review_services.evaluation_start(
            project=project, by=users["office"], comment="验收满一年，按计划开展项目后评价"
        )
    with _after(project, hours=30):
        review_services.panel_draw(review=evaluation.review, size=5, by=users["office"], rng=rng)
    if not complete:
        return evaluation
    criteria = review_selectors.criteria_for(
        jurisdiction_id=project.jurisdiction_id, occasion="post_evaluation"
    )
    panel = evaluation.review.panel
    for seat in panel.members.select_related("expert__user"):
        base = rng.randint(78, 93)
        with _after(project, hours=20):
            review_services.score_submit(
                member=seat,
                values={code: min(100, base + rng.randint(-4, 4)) for code, _, _ in criteria},
                comment=f"{seat.expert.user.full_name}：{project.name}使用频率高，数据共享到位，投资控制在核定范围内。",
                by=seat.expert.user,
            )
    with _after(project, hours=48):
        review_services.panel_close(panel=panel, by=users["office"])
    with _after(project, hours=24):
        return review_services.evaluation_complete(
            evaluation=evaluation, by=users["office"], conclusion=rng.choice(CONCLUSIONS)
        )


def _post_evaluations(jurisdiction, users, rng) -> int:
    rows = ev.with_due_flags(
        Project.objects.filter(jurisdiction=jurisdiction, status="accepted")
    ).order_by("accepted_at", "pk")
    due = [p for p in rows if p.due_flag == ev.Due.DUE]
    overdue = [p for p in rows if p.due_flag == ev.Due.OVERDUE]
    # The oldest overdue project stays overdue (R9 denies its O&M); the others are evaluated,
    # the last due one only started, and one due project is left for the office's to-do.
    to_do = overdue[1:] + due
    keep_for_todo = to_do.pop() if len(to_do) > 2 else None
    done = 0
    for index, project in enumerate(to_do[:3]):
        _evaluate(project, users, rng, complete=index < 2)
        done += 1
    del keep_for_todo
    return done


def _om_round(jurisdiction, users, rng) -> tuple[int, int]:
    """This year's round: each project in service applies; finance grants those meeting R9
    (within the pool) and denies the others with the failing rules."""
    today = timezone.localdate()
    opened = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=10), dt.time(9)))
    with time_machine.travel(opened, tick=False):
        round_ = services.om_round_create(
            jurisdiction=jurisdiction,
            year=today.year,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=20),
            by=users["finance"],
        )
    fund = SpecialFund.objects.filter(jurisdiction=jurisdiction, year=today.year).first()
    granted = denied = 0
    candidates = Project.objects.filter(jurisdiction=jurisdiction, status__in=OM_STATES)
    for project in candidates.select_related("department").order_by("pk"):
        officer = project.created_by  # the department officer who wrote the proposal
        if officer is None:
            continue
        amount = (project.approved_amount or D("1000000")) * D("0.08")
        with _after(project, opened, hours=1):
            a = services.om_apply(
                round=round_,
                project=project,
                amount=amount.quantize(D("1000")),
                purpose="系统日常运维、云资源续租、等保测评和安全加固服务。",
                by=officer,
            )
            a = services.om_submit(application=a, by=officer)
        with _after(project, hours=26):
            if r9_failures(project) or fund is None:
                services.om_deny(
                    application=a,
                    by=users["finance"],
                    reason="" if fund else f"{today.year}年度尚未设立专项资金",
                )
                denied += 1
            else:
                services.om_grant(application=a, amount=a.amount, by=users["finance"])
                granted += 1
    return granted, denied


def _supervise(jurisdiction, users) -> tuple[int, int]:
    """Suspend one project in construction; terminate the one with the most budget lines."""
    building = list(
        Project.objects.filter(jurisdiction=jurisdiction, status="in_construction")
        .annotate(n_lines=Count("budget_lines"))
        .order_by("-n_lines", "pk")
    )
    terminated = suspended = 0
    if building:
        project = building.pop(0)
        with _after(project, hours=3):
            project_services.project_terminate(
                project=project,
                by=users["leader"],
                reason="该系统功能已由省级统建平台覆盖，经领导小组研究终止建设，避免重复投资",
            )
        terminated = 1
    if building:
        project = building[-1]
        with _after(project, hours=3):
            project_services.project_suspend(
                project=project,
                by=users["office"],
                reason="建设方案与市数据共享交换平台接口标准不一致，暂停建设待方案调整",
            )
        suspended = 1
    return suspended, terminated


def seed() -> dict:
    jurisdiction = Jurisdiction.objects.get(code=JURISDICTION)
    if OmRound.objects.filter(jurisdiction=jurisdiction).exists():
        return {}
    users = {u.username: u for u in User.objects.filter(organisation__jurisdiction=jurisdiction)}
    users.update(ensure_users())
    rng = random.Random(20261122)
    evaluated = _post_evaluations(jurisdiction, users, rng)
    granted, denied = _om_round(jurisdiction, users, rng)
    suspended, terminated = _supervise(jurisdiction, users)
    return {
        "evaluated": evaluated,
        "granted": granted,
        "denied": denied,
        "suspended": suspended,
        "terminated": terminated,
    }
