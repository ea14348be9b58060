"""Review demo (SPEC §4) built through the services, after ``projects.demo.seed()``.

Carries in-review projects to every outcome: approved with a fiscal cut, approved with an
override, rejected, sent back; leaves one on an open agenda and one being scored so every
role has something on its to-do list. Idempotent: the demo meeting marks it done.
"""

import contextlib
import datetime as dt
import random
from decimal import Decimal

import time_machine
from django.utils import timezone

from core.models import Organisation, Role, User
from projects.demo import DEMO_PASSWORD, JURISDICTION, YEAR
from projects.models import Project

from . import selectors, services
from .models import Expert, Meeting, ReviewRound
from .recusal import member_recused

# (username, full name, organisation code, roles)
USERS = [
    ("wy_liu", "刘卫东", "xt-lg", [Role.COMMITTEE]),
    ("wy_wang", "王建平", "xt-lg", [Role.COMMITTEE]),
    ("wy_zhang", "张晓红", "xt-fgw", [Role.COMMITTEE]),
    ("wy_chen", "陈永强", "xt-dsj", [Role.COMMITTEE]),
    ("wy_xu", "徐丽华", "xt-czj", [Role.COMMITTEE]),
    ("zj_li", "李教授", "xt-xtu", [Role.EXPERT]),
    ("zj_wu", "吴教授", "xt-xtu", [Role.EXPERT]),
    ("zj_zhou", "周教授", "xt-hnust", [Role.EXPERT]),
    ("zj_hu", "胡研究员", "xt-hnust", [Role.EXPERT]),
    ("zj_guo", "郭高工", "xt-bdzq", [Role.EXPERT]),
    ("zj_ma", "马高工", "xt-bdzq", [Role.EXPERT]),
    ("zj_lu", "陆工", "xt-dsj", [Role.EXPERT]),
]
MEETING_TITLE = f"{YEAR}年第1次政务信息化项目联审会议"
FUNCTION_USERS = {
    "security": "wxb",
    "cryptography": "mmj",
    "technical": "gxj",
    "investment": "fgw",
    "fiscal": "finance",
}
# Outcomes for the first in-review projects, in primary-key order.
PLAN = ["approve_cut", "approve_override", "reject", "send_back", "voting", "scoring"]


def ensure_users() -> dict[str, User]:
    roles = {r.code: r for r in Role.objects.all()}
    users = {}
    for username, full_name, org_code, role_codes in USERS:
        org = Organisation.objects.get(code=org_code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "organisation": org}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.roles.set([roles[c] for c in role_codes])
        users[username] = user
        if Role.EXPERT in role_codes:
            Expert.objects.get_or_create(
                user=user, defaults={"jurisdiction": org.jurisdiction, "employer": org}
            )
    conflicted = Expert.objects.get(user__username="zj_guo")
    conflicted.conflicts.add(Organisation.objects.get(code="xt-gaj"))
    return users


def prepare():
    """Before the project demo: an annual round whose application window is open today."""
    from projects import demo as project_demo

    office = project_demo.ensure_users()["office"]
    jurisdiction = office.organisation.jurisdiction
    if ReviewRound.objects.filter(
        jurisdiction=jurisdiction, occasion="approval", kind="annual", year=YEAR, batch=1
    ).exists():
        return
    today = timezone.localdate()
    services.round_create(
        jurisdiction=jurisdiction,
        kind=ReviewRound.Kind.ANNUAL,
        year=YEAR,
        batch=1,
        opens_on=today - dt.timedelta(days=60),
        closes_on=today + dt.timedelta(days=30),
        by=office,
    )


def _at(start, days):
    """Run a step on demo day ``days`` after ``start`` so cycle times look real."""
    if start is None:
        return contextlib.nullcontext()
    return time_machine.travel(start + dt.timedelta(days=days), tick=False)


def _demo_users() -> dict[str, User]:
    users = {
        u.username: u for u in User.objects.filter(organisation__jurisdiction__code=JURISDICTION)
    }
    users.update(ensure_users())
    return users


COMMITTEE = ("leader", "wy_liu", "wy_wang", "wy_zhang", "wy_chen", "wy_xu")


def approve(project) -> Project:
    """Carry one in-review project through opinions, scoring, the demo meeting's vote and
    the approval decision, today (the funding demo starts from such projects)."""
    users = _demo_users()
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    committee = [users[u] for u in COMMITTEE]
    review = project.reviews.get(status="open")
    lag = project.pk % 5  # spread the steps so cycle times differ between projects
    rng = random.Random(project.pk)
    _carry(project, "approve_cut", meeting, committee, users, rng, review.opened_at, lag)
    return Project.objects.get(pk=project.pk)


def seed(start=None) -> int:
    """Run the review demo once; returns the number of projects carried forward.

    ``start`` is when the projects were accepted; steps are spread over the following weeks.
    """
    users = _demo_users()
    if Meeting.objects.filter(title=MEETING_TITLE).exists():
        return 0
    rng = random.Random(2026)
    office = users["office"]
    projects = list(
        Project.objects.filter(
            jurisdiction__code=JURISDICTION, status="in_review", reviews__status="open"
        ).order_by("pk")[: len(PLAN)]
    )
    committee = [users[u] for u in COMMITTEE]
    with _at(start, 18):
        meeting = services.meeting_create(
            jurisdiction=office.organisation.jurisdiction,
            title=MEETING_TITLE,
            held_on=timezone.localdate() + dt.timedelta(days=3),
            location="市政务服务中心三楼会议室",
            members=committee,
            by=office,
        )
    with _at(start, 21):
        for member in committee[:5]:  # 徐丽华 absent: 5 of 6 present, quorum met
            services.attendance_set(meeting=meeting, user=member, present=True, by=office)
    for index, (project, fate) in enumerate(zip(projects, PLAN, strict=False)):
        _carry(project, fate, meeting, committee, users, rng, start, index)
    return len(projects)


# Days after acceptance each unit signs (the fiscal review is the usual bottleneck).
OPINION_DAYS = {"security": 3, "technical": 5, "cryptography": 7, "investment": 6, "fiscal": 12}


def _opinions(review, users, start=None, lag=0, cut=Decimal("0.9")):
    for task in review.tasks.all():
        with _at(start, OPINION_DAYS[task.function] + lag):
            _sign(task, review, users, cut)


def _sign(task, review, users, cut):
    amount = None
    if task.function == "fiscal":
        amount = (review.project.total_investment * cut).quantize(Decimal("1"))
    services.opinion_sign(
        task=task,
        version=0,
        conclusion="agree" if task.function != "technical" else "agree_with_conditions",
        text={
            "security": "网络安全方案基本可行，须同步开展等保测评。",
            "cryptography": "密码应用方案符合要求，建成后开展密评。",
            "technical": "技术路线可行，建议复用统一身份认证和电子证照平台。",
            "fiscal": "经财政评审，部分服务费用标准偏高，建议核减。",
            "investment": "符合年度建设任务，投资构成合理。",
        }[task.function],
        recommended_amount=amount,
        by=users[FUNCTION_USERS[task.function]],
    )


def _panel(review, users, rng, scores=True, start=None, lag=0):
    with _at(start, 2 + lag):
        panel = services.panel_draw(review=review, size=5, by=users["office"], rng=rng)
    if not scores:
        with _at(start, 4 + lag):
            seat = panel.members.first()
            services.panel_replace(
                member=seat, reason="该专家出差，无法按期评审", by=users["office"]
            )
        return panel
    criteria = selectors.criteria_for(
        jurisdiction_id=review.project.jurisdiction_id, occasion="approval"
    )
    for seat in panel.members.select_related("expert__user"):
        base = rng.randint(72, 92)
        with _at(start, 4 + lag + rng.randint(0, 8) + rng.random()):
            services.score_submit(
                member=seat,
                values={code: min(100, base + rng.randint(-5, 5)) for code, _, _ in criteria},
                comment="建设必要性充分，建议加强数据共享。",
                by=seat.expert.user,
            )
    with _at(start, 14 + lag):
        return services.panel_close(panel=panel, by=users["office"])


VOTES = {
    "approve_cut": ["approve"] * 5,
    "approve_override": ["approve", "approve", "approve", "reject", "approve"],
    "reject": ["reject", "reject", "reject", "approve", "send_back"],
    "send_back": ["send_back", "send_back", "approve", "send_back", "reject"],
}


def _carry(project, fate, meeting, committee, users, rng, start, lag):
    review = project.reviews.get(status="open")
    office = users["office"]
    if fate == "scoring":
        _opinions(review, users, start, lag)
        _panel(review, users, rng, scores=False, start=start, lag=lag)
        return
    _opinions(review, users, start, lag % 3)
    _panel(review, users, rng, start=start, lag=lag % 3)
    with _at(start, 19):
        item = services.agenda_add(meeting=meeting, review=review, by=office)
    with _at(start, 21.4 + lag / 10):
        if fate == "voting":
            services.vote_cast(item=item, member=committee[1], choice="approve", by=committee[1])
            return
        for member, choice in zip(committee[:5], VOTES[fate], strict=True):
            if member_recused(member, project):
                continue
            services.vote_cast(item=item, member=member, choice=choice, by=member)
        item = services.item_close(item=item, by=office)
    with _at(start, 23 + lag):
        _decide(project, fate, item, office)


def _decide(project, fate, item, office):
    kwargs = {}
    if fate == "approve_override":
        kwargs = {
            "amount": project.total_investment,
            "override_reason": "会议认为服务费用标准合理，按申报金额核定。",
        }
    services.review_decide(
        item=item,
        decision=item.result,
        comment={"reject": "与省级统建项目重复。", "send_back": "请补充数据共享方案。"}.get(
            item.result, ""
        ),
        by=office,
        **kwargs,
    )
