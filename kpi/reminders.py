"""Reminders and escalation (SPEC §7): officers of departments with returns still owed after
the due day get a notification and an e-mail, no more often than the jurisdiction's interval;
after ``escalate_after_days`` days late the department head is told as well (001:155)."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.models import Role, User
from core.services import notify

from .models import ProgressReturn, Reminder, config_for
from .querysets import missing
from .workflow import EDITABLE_STATES

SUBJECT = "【月调度】{period}月报逾期未报提醒"
BODY = (
    "{name}：\n\n贵单位（{department}）{period}的进度月报尚有 {count} 份未报送，"
    "报送截止日为 {due}，已逾期 {days} 天。请登录政务信息化项目监管系统尽快填报。\n\n{office}"
)
ESCALATION = "（已逾期 {days} 天，按“一把手”负责制同时提醒单位负责人）"


def reminders_send(*, now=None) -> dict:
    """Send what is due now; returns counts. Safe to run as often as wanted."""
    now = now or timezone.now()
    owed = (
        ProgressReturn.objects.filter(
            missing(now), status__in=EDITABLE_STATES, period__closes_at__gt=now
        )
        .order_by()
        .values("period_id", "department_id", "period__jurisdiction_id")
        .annotate(n=Count("pk"))
    )
    sent = {"remind": 0, "escalate": 0}
    for row in owed:
        with transaction.atomic():
            for kind, count in _send_for(row, now).items():
                sent[kind] += count
    return sent


def _send_for(row, now) -> dict:
    from .models import ReportingPeriod

    period = ReportingPeriod.objects.select_related("jurisdiction").get(pk=row["period_id"])
    config = config_for(period.jurisdiction)
    days = (timezone.localtime(now).date() - period.due_date).days
    interval = dt.timedelta(hours=config.reminder_interval_hours)
    roles = [Role.DEPT_OFFICER]
    if days >= config.escalate_after_days:
        roles.append(Role.DEPT_HEAD)
    users = (
        User.objects.filter(
            organisation_id=row["department_id"], roles__code__in=roles, is_active=True
        )
        .select_related("organisation")
        .prefetch_related("roles")
        .distinct()
    )
    recent = set(
        Reminder.objects.filter(
            period=period, sent_at__gt=now - interval, user__in=users
        ).values_list("user_id", "kind")
    )
    mails, counts = [], {"remind": 0, "escalate": 0}
    for user in users:
        kind = (
            "escalate"
            if user.has_role(Role.DEPT_HEAD) and not user.has_role(Role.DEPT_OFFICER)
            else "remind"
        )
        if (user.pk, kind) in recent:
            continue
        text = SUBJECT.format(period=period) + (
            ESCALATION.format(days=days) if kind == "escalate" else ""
        )
        notify(users=[user], text=text, url="/kpi/file/")
        if user.email:
            body = BODY.format(
                name=user,
                department=user.organisation,
                period=period,
                count=row["n"],
                due=period.due_text,
                days=days,
                office=f"{period.jurisdiction}数字政府建设领导小组办公室",
            )
            mails.append((text, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
        Reminder.objects.create(period=period, user=user, kind=kind, returns=row["n"], sent_at=now)
        counts[kind] += 1
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))
    return counts
