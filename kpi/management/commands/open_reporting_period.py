import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import Jurisdiction
from core.permissions import WorkflowError
from kpi.services import period_open


class Command(BaseCommand):
    help = "Open a monthly reporting period (default: last month) and freeze the returns it owes."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: last month)")
        parser.add_argument("--jurisdiction", help="jurisdiction code (default: every one)")

    def handle(self, *args, period=None, jurisdiction=None, **options):
        if period:
            try:
                year, month = (int(x) for x in period.split("-"))
            except ValueError:
                raise CommandError("--period 须为 YYYY-MM，例如 2026-03") from None
        else:
            last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
            year, month = last.year, last.month
        places = Jurisdiction.objects.all()
        if jurisdiction:
            places = places.filter(code=jurisdiction)
            if not places:
                raise CommandError(f"没有代码为 {jurisdiction} 的行政区划")
        for place in places:
            try:
                opened, created = period_open(jurisdiction=place, year=year, month=month)
            except WorkflowError as error:
                raise CommandError(str(error)) from None
            state = "已开启" if created else "已存在，未改动"
            self.stdout.write(
                f"{place} {opened}：{state}，应报 {opened.owed_count} 份，{opened.due_text} 截止，"
                f"{opened.closes_text} 关闭"
            )
