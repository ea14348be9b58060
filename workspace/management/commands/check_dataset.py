"""Check that a generated dataset keeps the services' invariants (``@dataset_check``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.database import use_database
from core.datasets import SCALES, dataset_checks
from projects.models import Project


class Command(BaseCommand):
    help = "检查数据集：R10 金额、一人一票、审计链、项目状态与流转记录一致、各规模数量。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES))
        parser.add_argument("--database-url")

    def handle(self, *args, scale=None, database_url=None, **options):
        if database_url:
            use_database(database_url)
        if scale is None:
            count = Project.objects.count()
            scale = next((s.name for s in SCALES.values() if s.projects == count), None)
            if scale is None:
                raise CommandError(f"无法从项目数 {count} 判断规模，请用 --scale 指定")
        failed = 0
        for name, check in dataset_checks():
            t0 = time.perf_counter()
            problems = check(SCALES[scale])
            took = time.perf_counter() - t0
            if problems:
                failed += 1
                self.stdout.write(self.style.ERROR(f"✗ {name} ({took:.1f} s)"))
                for problem in problems:
                    self.stdout.write(f"    {problem}")
            else:
                self.stdout.write(f"✓ {name} ({took:.1f} s)")
        if failed:
            raise CommandError(f"数据集检查未通过：{failed} 项")
        self.stdout.write(self.style.SUCCESS("数据集检查通过"))
