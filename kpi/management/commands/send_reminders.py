from django.core.management.base import BaseCommand

from kpi.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Remind officers of overdue monthly returns and escalate to heads (respects the interval)."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(
            f"已提醒经办人 {sent['remind']} 人次，提醒单位负责人 {sent['escalate']} 人次"
        )
