"""Ledger and detail page server time at scale (SPEC §9). Run with `make bench`.

Builds a synthetic jurisdiction with N projects via bulk inserts (benchmark data only,
not demo data), then times the ledger (50 rows, filtered and unfiltered) and the detail
page through Django's test client, and the bare SQL of the same page for a ratio.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from core.models import Jurisdiction, Organisation, Role, User  # noqa: E402
from projects.models import Project  # noqa: E402

N = int(os.environ.get("BENCH_PROJECTS", 60000))
DEPARTMENTS = 150
STATES = [
    "draft",
    "submitted",
    "returned",
    "in_review",
    "approved",
    "funded",
    "in_construction",
    "accepted",
    "evaluated",
    "suspended",
    "terminated",
]


def build():
    j, _ = Jurisdiction.objects.get_or_create(
        code="bench", defaults={"name": "基准市", "level": "city"}
    )
    if Project.objects.filter(jurisdiction=j).count() >= N:
        return j
    Project.objects.filter(jurisdiction=j).delete()
    depts = [
        Organisation.objects.get_or_create(
            code=f"bench-{i}",
            defaults={"name": f"基准市第{i}局", "jurisdiction": j, "kind": "department"},
        )[0]
        for i in range(DEPARTMENTS)
    ]
    office_org, _ = Organisation.objects.get_or_create(
        code="bench-office",
        defaults={"name": "基准市行政审批局", "jurisdiction": j, "kind": "office"},
    )
    user, _ = User.objects.get_or_create(
        username="bench-office", defaults={"organisation": office_org}
    )
    user.roles.set([Role.objects.get_or_create(code="office", defaults={"name": "牵头部门"})[0]])
    batch = []
    for i in range(N):
        hw = Decimal(100000 + (i * 7919) % 5000000)
        batch.append(
            Project(
                code=f"BENCH-{i:06d}",
                name=f"基准项目{i}号政务数据平台",
                jurisdiction=j,
                department=depts[i % DEPARTMENTS],
                category="new",
                channel="annual",
                start_year=2022 + i % 5,
                end_year=2022 + i % 5,
                summary="基准数据",
                invest_hardware=hw,
                invest_security=hw / 10,
                total_investment=hw + hw / 10,
                protection_level=1 + i % 4,
                deployment="gov_cloud",
                created_by=user,
                status=STATES[i % len(STATES)],
            )
        )
        if len(batch) == 5000:
            Project.objects.bulk_create(batch)
            batch = []
    Project.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return j


def timed(func, repeat=15):
    func()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    setup_test_environment()
    settings.DEBUG = False
    j = build()
    client = Client()
    client.force_login(User.objects.get(username="bench-office"))
    sample = Project.objects.filter(jurisdiction=j).order_by("pk")[N // 2]
    pages = {
        "ledger (first page, 50 rows)": "/projects/",
        "ledger filtered (state+year+text)": "/projects/?status=in_review&year=2024&q=平台",
        "ledger page 100 sorted by total": "/projects/?sort=-total&page=100",
        "project detail": f"/projects/{sample.pk}/",
    }
    print(f"{connection.vendor}, {Project.objects.filter(jurisdiction=j).count()} projects")
    bare = timed(
        lambda: list(
            Project.objects.filter(jurisdiction=j)
            .select_related("department")
            .order_by("-updated_at")[:50]
            .values_list("name", "department__name")
        )
    )
    print(f"  bare SQL of one ledger page: {bare:7.1f} ms")
    for label, url in pages.items():
        queries = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200
        ms = timed(lambda url=url: client.get(url))
        print(
            f"  {label:<38} {ms:7.1f} ms  {len(queries):2d} queries  ({ms / bare:4.1f}× bare SQL)"
        )


if __name__ == "__main__":
    main()
