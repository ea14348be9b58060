from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Role, User
from kpi.models import ReportingPeriod
from kpi.spreadsheets import template_workbook


class Command(BaseCommand):
    help = "Write a department's monthly return template (pre-filled) for a period."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the department officer")
        parser.add_argument("--period", help="YYYY-MM (default: the latest period)")
        parser.add_argument("--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, user, period=None, output, **options):
        officer = (
            User.objects.filter(username=user, is_active=True)
            .select_related("organisation")
            .first()
        )
        if (
            officer is None
            or not officer.organisation_id
            or not officer.has_role(Role.DEPT_OFFICER)
        ):
            raise CommandError(f"用户 {user} 不存在或不是部门经办人")
        periods = ReportingPeriod.objects.filter(jurisdiction_id=officer.jurisdiction_id)
        if period:
            try:
                year, month = (int(x) for x in period.split("-"))
            except ValueError:
                raise CommandError("--period 须为 YYYY-MM") from None
            periods = periods.filter(year=year, month=month)
        found = periods.first()
        if found is None:
            raise CommandError("没有对应的填报期")
        Path(output).write_bytes(template_workbook(period=found, department=officer.organisation))
        self.stdout.write(f"已写出 {officer.organisation} {found}月报模板：{output}")
