"""Scheduled jobs (Celery beat with CELERY_BROKER_URL, else cron runs the commands)."""

from celery import shared_task


@shared_task(name="kpi.open_reporting_periods")
def open_reporting_periods() -> list[str]:
    from .services import period_open_current

    return [
        f"{p.jurisdiction.code}:{p.key}:{'new' if created else 'existing'}"
        for p, created in period_open_current()
    ]


@shared_task(name="kpi.send_reminders")
def send_reminders() -> dict:
    from .reminders import reminders_send

    return reminders_send()
