"""Benchmark cases of the workspace (see ``core/bench.py``): the home page per role and the
notification list."""

from django.db.models import Count

from core.bench import bench_case
from core.models import Notification, Role, User
from projects.models import Project


def _home_floor(user, env):
    return {
        "projects": list(
            Project.objects.visible_to(user)
            .order_by("-updated_at", "-pk")
            .values("pk", "name", "status", "updated_at")[:50]
        ),
        "unread": Notification.objects.filter(recipient=user, read_at=None).count(),
    }


for role, label in [(Role.OFFICE, "牵头部门"), (Role.REVIEWER, "审查单位"), (Role.FINANCE, "财政")]:
    bench_case(
        f"工作台（{label}）",
        group="workspace",
        user=lambda env, role=role: env.user(role),
        url=lambda env: "/",
        floors={"bare": _home_floor},
        note="基线：最近更新的 50 个可见项目和未读通知数",
    )


def _busiest_reader(env):
    return env.once(
        "notified",
        lambda: (
            User.objects.filter(organisation__jurisdiction=env.jurisdiction)
            .annotate(n=Count("notifications"))
            .order_by("-n", "pk")
            .first()
        ),
    )


bench_case(
    "通知列表（通知最多的用户）",
    group="workspace",
    user=_busiest_reader,
    url=lambda env: "/notifications/",
    floors={
        "bare": lambda user, env: list(
            Notification.objects.filter(recipient=user)
            .order_by("-created_at")
            .values("text", "url", "created_at", "read_at")[:50]
        )
    },
)
