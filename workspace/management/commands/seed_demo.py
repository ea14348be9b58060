import datetime as dt

import time_machine
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from budget import demo as budget_demo
from kpi import demo as kpi_demo
from projects import demo
from review import demo as review_demo

FIXTURES = ["roles", "organisations", "common_platforms"]


class Command(BaseCommand):
    help = "Build a realistic demo jurisdiction (湘潭市) through the services. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Wipe the whole database first and rebuild from scratch.",
        )

    def handle(self, *args, reset=False, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", *FIXTURES, verbosity=0)
        # Projects are accepted five weeks ago so the review steps have real durations.
        start = timezone.now() - dt.timedelta(days=35)
        with transaction.atomic():
            review_demo.prepare()
            with time_machine.travel(start, tick=False):
                created = demo.seed()
            reviewed = review_demo.seed(start=start)
            funded = budget_demo.seed()
            returns = kpi_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(f"演示数据就绪：新建 {created} 个项目，推进评审 {reviewed} 个")
        )
        self.stdout.write(self.style.SUCCESS(f"资金演示：{funded} 个项目批复、列入预算或拨付"))
        self.stdout.write(self.style.SUCCESS(f"月调度演示：近 12 个月报送 {returns} 份月报"))
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for username, full_name, org, roles in demo.USERS:
            self.stdout.write(f"  {username:<10} {full_name}  {org}  {','.join(roles)}")
        for username, full_name, org, roles in review_demo.USERS:
            self.stdout.write(f"  {username:<10} {full_name}  {org}  {','.join(roles)}")
        self.stdout.write("  admin      系统管理员（/admin/）")
