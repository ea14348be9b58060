"""Generate a synthetic dataset at demo, city or province scale (SPEC §9)."""

import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core import dataset as core_dataset
from core.database import use_database
from core.datasets import SCALES, DatasetContext, dataset_steps, ids
from core.models import Jurisdiction

# Secondary indexes of the largest tables are dropped during the load and rebuilt after it
# (PostgreSQL): one sorted build is much faster than maintaining them row by row.
BULK_TABLES = [
    "core_auditevent",
    "core_notification",
    "review_score",
    "review_vote",
    "review_panelmember",
    "budget_disbursement",
    "projects_project",
]


def _secondary_indexes(cursor):
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [BULK_TABLES],
    )
    return cursor.fetchall()


class Command(BaseCommand):
    help = "生成演示、市级或省级规模的合成数据集（批量写入，审计链有效），并检查数据约束。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--database-url",
            help="PostgreSQL URL of the database to fill (created and migrated when missing)",
        )
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--no-check", action="store_true", help="skip check_dataset")
        parser.add_argument(
            "--if-missing", action="store_true", help="do nothing when the database has projects"
        )

    def handle(self, *args, scale, database_url=None, seed=20261122, no_check=False, **options):
        if database_url:
            use_database(database_url, create=True)
            call_command("migrate", verbosity=0)
        scale = SCALES[scale]
        if Jurisdiction.objects.exists():
            if options["if_missing"]:
                self.stdout.write("数据集已存在，沿用")
                return
            raise CommandError("数据库不是空的：请在新建的数据库中生成数据集（--database-url）")
        with transaction.atomic():  # all or nothing: a failed run leaves an empty database
            self._generate(scale, seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not no_check:
            t0 = time.perf_counter()
            call_command("check_dataset", scale=scale.name, stdout=self.stdout)
            self.stdout.write(f"  check_dataset {time.perf_counter() - t0:.0f} s")

    def _generate(self, scale, seed):
        started = time.perf_counter()
        log = self.stdout.write
        log(f"生成 {scale.name} 规模数据集：{scale.projects} 个项目，{scale.departments} 个部门")
        indexes = []
        if connection.vendor == "postgresql" and scale.name != "demo":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SET maintenance_work_mem = '512MB'")
                indexes = _secondary_indexes(cursor)
                for name, _ in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
        ids.reset()
        units = core_dataset.build_frame(scale, log=log)
        today = timezone.localdate()
        timings = {}
        for index, unit in enumerate(units):
            ctx = DatasetContext(
                scale=scale,
                today=today,
                rng=random.Random(seed + index),
                log=log,
                jurisdiction=unit,
                unit_index=index,
            )
            for step in dataset_steps():
                t0 = time.perf_counter()
                step(ctx)
                name = f"{step.__module__}.{step.__name__}"
                timings[name] = timings.get(name, 0) + time.perf_counter() - t0
        ids.finish()
        t0 = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for _, definition in indexes:
                    cursor.execute(definition)
        timings["rebuilding indexes"] = time.perf_counter() - t0
        for name, seconds in timings.items():
            log(f"  {name:<40} {seconds:7.1f} s")
        cpu = time.process_time()
        log(self.style.SUCCESS(f"数据集生成完成，用时 {time.perf_counter() - started:.0f} 秒"
                               f"（本进程 CPU {cpu:.0f} 秒）"))  # fmt: skip
