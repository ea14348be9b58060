"""Monthly dispatch demo for 湘潭市 (called by ``manage.py seed_demo``), built through the
services under a travelling clock: the last twelve complete months, each opened on the 1st,
filed by the departments with realistic lateness (most on time, some days late, a few never),
confirmed by the heads, checked by the office (a few sent back, one reopened), and dispatch
notes on the projects that slip. Idempotent: skipped once any period exists."""

import datetime as dt
import random

import time_machine
from django.utils import timezone

from core.models import Jurisdiction, Role, User
from projects.demo import JURISDICTION, ensure_users

from . import services
from .models import DispatchConfig, ProgressReturn, ReportingPeriod

MILESTONES = [
    "完成需求调研和方案深化",
    "完成招标采购",
    "完成系统部署",
    "完成接口联调",
    "完成试运行",
    "完成等保测评",
]
PROBLEMS = [
    "",
    "",
    "供应商驻场人员不足",
    "与省平台接口标准未明确",
    "数据共享申请待审批",
    "机房改造进度滞后",
]
PLANS = [
    "推进系统开发和测试",
    "组织初验准备",
    "完成数据迁移",
    "开展用户培训",
    "整改测评问题",
    "推进上云迁移",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _months(today: dt.date, count=12):
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append((first.year, first.month))
    return list(reversed(months))


def _people(users, department_id):
    officer = head = None
    for user in users:
        if user.organisation_id == department_id and user.has_role(Role.DEPT_OFFICER):
            officer = user
        if user.organisation_id == department_id and user.has_role(Role.DEPT_HEAD):
            head = user
    return officer, head


def seed(today=None) -> int:
    jurisdiction = Jurisdiction.objects.get(code=JURISDICTION)
    if ReportingPeriod.objects.filter(jurisdiction=jurisdiction).exists():
        return 0
    named = ensure_users()
    office = named["office"]
    DispatchConfig.objects.get_or_create(
        jurisdiction=jurisdiction, defaults={"due_day": 10, "close_after_days": 20}
    )
    users = list(
        User.objects.filter(organisation__jurisdiction=jurisdiction).prefetch_related("roles")
    )
    rng = random.Random(2026)
    today = today or timezone.localdate()
    months = _months(today)
    filed = 0
    for index, (year, month) in enumerate(months):
        opening = dt.date(year + (month == 12), month % 12 + 1, 1)
        with time_machine.travel(_at(opening, 0, 10), tick=False):
            period, _ = services.period_open(
                jurisdiction=jurisdiction, year=year, month=month, by=office
            )
        last = index == len(months) - 1
        for ret in period.returns.select_related("period", "project", "plan_item").order_by("pk"):
            filed += _file(ret, rng, users, office, index, last, today)
    _reopen_one(jurisdiction, office)
    _notes(jurisdiction, office, users, rng, today)
    return filed


def _file(ret, rng, users, office, index, last, today) -> int:
    officer, head = _people(users, ret.department_id)
    if officer is None:
        return 0
    due = ret.period.due_date
    roll = rng.random()
    if roll < 0.05 or (last and roll < 0.25):
        return 0  # never filed: missing
    if roll < 0.8:
        received = _at(
            due - dt.timedelta(days=rng.randint(0, 7)), rng.randint(8, 17), rng.randint(0, 59)
        )
    else:
        received = _at(
            due + dt.timedelta(days=rng.randint(1, 9)), rng.randint(8, 17), rng.randint(0, 59)
        )
    if received.date() > today or received >= ret.period.closes_at:
        return 0
    planned = min(100, 10 + index * 8)
    behind = rng.choice([0, 0, 0, 2, 5, 12, 20]) if ret.kind == "project" else rng.choice([0, 3, 8])
    data = {
        "planned_progress": planned,
        "actual_progress": max(0, planned - behind),
        "milestones": rng.choice(MILESTONES),
        "problems": rng.choice(PROBLEMS) if behind else "",
        "next_plan": rng.choice(PLANS),
        "risk": "high"
        if behind >= 20
        else "medium"
        if behind >= 10
        else "low"
        if behind
        else "none",
    }
    with time_machine.travel(received, tick=False):
        services.return_save(ret=ret, by=officer, data=data)
        ret = services.return_submit(ret=ret, by=officer)
    if head is not None and ret.status == "awaiting_head":
        confirmed = received + dt.timedelta(hours=rng.randint(1, 30))
        if confirmed.date() > today:
            return 1
        with time_machine.travel(confirmed, tick=False):
            ret = services.return_confirm(ret=ret, by=head)
    checked = received + dt.timedelta(days=rng.randint(1, 4))
    if ret.status != "submitted" or checked.date() > today or (last and rng.random() < 0.5):
        return 1
    with time_machine.travel(checked, tick=False):
        if rng.random() < 0.08:
            services.return_return(
                ret=ret, by=office, reason="实际进度与合同付款节点不符，请核实后重新报送"
            )
            fixed = checked + dt.timedelta(days=1)
            if fixed >= ret.period.closes_at or fixed.date() > today:
                return 1
            with time_machine.travel(fixed, tick=False):
                ret = services.return_submit(ret=ret, by=officer)
                if head is not None:
                    ret = services.return_confirm(ret=ret, by=head)
            return 1
        services.return_accept(ret=ret, by=office)
    return 1


def _reopen_one(jurisdiction, office):
    """The office reopens one accepted return of the latest periods: a new version."""
    ret = (
        ProgressReturn.objects.filter(jurisdiction=jurisdiction, status="accepted", kind="project")
        .select_related("period")
        .order_by("-period__year", "-period__month", "pk")
        .first()
    )
    if ret is not None and ret.period.is_open:
        services.return_reopen(
            ret=ret, by=office, reason="审计发现累计完成投资与进度不符，请更正实际进度"
        )


INSTRUCTIONS = [
    "项目进度滞后计划超过10个百分点，请于期限前报送赶工计划并明确责任人。",
    "请加快与省一体化平台的接口联调，逾期未完成将在季度通报中予以通报。",
    "请补充等保测评备案材料，确保上线前完成测评。",
    "请核实本月累计支付与合同付款节点的差异并说明原因。",
]


def _notes(jurisdiction, office, users, rng, today):
    """Dispatch notes on the projects that slip most, in every state."""
    slipping = (
        ProgressReturn.objects.filter(
            jurisdiction=jurisdiction, kind="project", risk__in=["medium", "high"]
        )
        .select_related("department", "project", "period")
        .order_by("-period__year", "-period__month", "pk")[:8]
    )
    for i, ret in enumerate(slipping):
        officer, head = _people(users, ret.department_id)
        issued = _at(today - dt.timedelta(days=60 - 5 * i), 10)  # every step in the past
        with time_machine.travel(issued, tick=False):
            note = services.note_issue(
                by=office,
                department=ret.department,
                ret=ret,
                instruction=INSTRUCTIONS[i % len(INSTRUCTIONS)],
                deadline=issued.date() + dt.timedelta(days=14),
            )
        fate = i % 4
        if fate == 0 or officer is None:
            continue  # open (overdue once the deadline passes)
        with time_machine.travel(issued + dt.timedelta(days=3 + 6 * (fate == 3)), tick=False):
            note = services.note_answer(
                note=note, by=officer, answer="已制定赶工计划，增派开发人员，预计下月追平进度。"
            )
        if fate == 1:
            continue  # answered, waiting for the office
        with time_machine.travel(issued + dt.timedelta(days=15), tick=False):
            if fate == 2:
                services.note_close(note=note, by=office, comment="落实到位")
            else:
                services.note_send_back(note=note, by=office, reason="赶工计划缺少时间节点，请补充")
