"""Benchmark cases of review (see ``core/bench.py``): review index and detail, the expert's
tasks, meeting detail, the vote list, cycle time, the PDFs (warm) and R7 per call."""

from django.db.models import Avg, Count, F, Q

from core.bench import CALL, bench_case
from core.models import Role
from projects.bench import busiest_project, office_user, visible
from projects.models import Project

from .models import AgendaItem, Meeting, PanelMember, Review
from .similarity import check_project


def _open_reviews(user, env):
    return Review.objects.filter(visible(user), status="open")


bench_case(
    "评审工作台（进行中的评审）",
    group="review",
    user=office_user,
    url=lambda env: "/review/",
    floors={
        "bare": lambda user, env: list(
            _open_reviews(user, env)
            .order_by("-opened_at")
            .values("pk", "project__name", "project__department__name", "opened_at")[:50]
        )
    },
)


def _review(env):
    return env.once(
        "review",
        lambda: (
            Review.objects.filter(project=busiest_project(env), decision="approve")
            .order_by("-pk")
            .first()
        ),
    )


bench_case(
    "评审详情",
    group="review",
    user=office_user,
    url=lambda env: f"/review/{_review(env).pk}/",
    floors={
        "bare": lambda user, env: {
            "review": Review.objects.filter(visible(user))
            .values("pk", "project__name", "status", "decision")
            .get(pk=_review(env).pk),
            "tasks": list(
                _review(env).tasks.values("function", "organisation__name", "completed_at")
            ),
        }
    },
)


def _busy_expert(env):
    def find():
        from core.models import User

        seat = (
            PanelMember.objects.filter(
                scored_at__isnull=True, replaced_at__isnull=True, panel__closed_at__isnull=True
            )
            .values("expert__user")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        return User.objects.get(pk=seat["expert__user"])

    return env.once("busy_expert", find)


def _open_seats(user):
    return PanelMember.objects.filter(
        expert__user=user, scored_at__isnull=True, replaced_at__isnull=True
    ).filter(panel__closed_at__isnull=True)


bench_case(
    "专家评审任务（未评分席位最多的专家）",
    group="review",
    user=_busy_expert,
    url=lambda env: "/review/mine/",
    floors={
        "bare": lambda user, env: list(
            _open_seats(user)
            .order_by("assigned_at", "pk")
            .values("pk", "panel__review__project__name", "assigned_at")[:50]
        )
    },
)


def _meeting(env):
    return env.once(
        "meeting",
        lambda: (
            Meeting.objects.filter(jurisdiction=env.jurisdiction)
            .annotate(n=Count("items"))
            .order_by("-n", "-held_on")
            .first()
        ),
    )


bench_case(
    "联审会议详情（议题最多的会议）",
    group="review",
    user=office_user,
    url=lambda env: f"/review/meetings/{_meeting(env).pk}/",
    floors={
        "bare": lambda user, env: list(
            AgendaItem.objects.filter(meeting=_meeting(env))
            .order_by("order", "pk")
            .values("pk", "order", "review__project__name", "result", "tally")[:50]
        )
    },
)


def _committee(env):
    return env.user(Role.COMMITTEE)


bench_case(
    "委员表决列表",
    group="review",
    user=_committee,
    url=lambda env: "/review/votes/",
    floors={
        "bare": lambda user, env: list(
            AgendaItem.objects.filter(
                meeting__members__user=user, meeting__members__present=True, closed_at=None
            )
            .exclude(review__project__department_id=user.organisation_id)
            .order_by("meeting__held_on", "order")
            .values("pk", "review__project__name", "meeting__title")[:50]
        )
    },
)
bench_case(
    "评审周期统计",
    group="review",
    user=office_user,
    url=lambda env: "/review/cycle-time/",
    floors={
        "SQL aggregate": lambda user, env: list(
            Review.objects.filter(visible(user), status="decided")
            .values("round__year")
            .annotate(n=Count("pk"), days=Avg(F("decided_at") - F("opened_at")))
            .order_by("round__year")
            .values_list("round__year", "n")
        )
    },
)
bench_case("评审报告 PDF", group="pdf", user=office_user,
           url=lambda env: f"/review/{_review(env).pk}/report.pdf")  # fmt: skip
bench_case("批复通知 PDF", group="pdf", user=office_user,
           url=lambda env: f"/review/{_review(env).pk}/notice.pdf")  # fmt: skip
bench_case("会议纪要 PDF", group="pdf", user=office_user,
           url=lambda env: f"/review/meetings/{_meeting(env).pk}/minutes.pdf")  # fmt: skip


def _r7(env):
    """What rule R7 calls on a proposal (``review/rules.py``)."""
    project = env.once(
        "r7_project",
        lambda: (
            Project.objects.filter(jurisdiction=env.jurisdiction)
            .filter(Q(status="submitted") | Q(status="draft"))
            .order_by("pk")
            .first()
        ),
    )
    check_project(project, limit=3)


bench_case("R7 相似项目查重（每次调用）", group="review", kind=CALL, call=_r7)
