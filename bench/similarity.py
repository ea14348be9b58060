"""R7 duplicate-investment check at scale: ``review.similarity.similar_projects``.

Run with `make bench`. Fills its own database with 6,000 and then 60,000 non-draft candidate
projects (bulk inserts, benchmark data only), and times the project's own function per call
against a floor measured in the same run: the bare SQL fetch of the same candidates' ids and
names, which ``similar_projects`` cannot avoid (it scores every non-draft project).
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from core.models import Jurisdiction, Organisation, User  # noqa: E402
from projects.models import Project  # noqa: E402
from review.similarity import similar_projects  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIMILARITY", "6000,60000").split(",")]
DEPARTMENTS = 60
# Realistic names: department prefix + subject + kind, so the name prefilter has near hits.
SUBJECTS = [
    "电子证照",
    "政务云",
    "智慧医保",
    "不动产登记",
    "公共资源交易",
    "社会信用",
    "数据共享交换",
    "一网通办",
    "视频监控联网",
    "应急指挥",
    "市场监管",
    "人口基础库",
    "网格化治理",
    "智慧交通",
    "生态环境监测",
    "12345热线",
]
KINDS = ["管理系统", "平台建设", "系统升级改造", "二期工程", "运维服务", "安全加固", "数据治理"]
STATES = ["submitted", "returned", "in_review", "approved", "funded", "in_construction"]
QUERY_NAME = "电子证照管理系统升级"
QUERY_SUMMARY = "升级全市电子证照库，实现证照跨部门共享和移动端亮证。"


def _setup():
    j, _ = Jurisdiction.objects.get_or_create(
        code="simbench", defaults={"name": "相似度基准市", "level": "city"}
    )
    depts = [
        Organisation.objects.get_or_create(
            code=f"simbench-{i}",
            defaults={"name": f"相似度基准市第{i}局", "jurisdiction": j, "kind": "department"},
        )[0]
        for i in range(DEPARTMENTS)
    ]
    user, _ = User.objects.get_or_create(username="simbench", defaults={"organisation": depts[0]})
    return j, depts, user


def _project(i, j, depts, user, status):
    dept = depts[i % DEPARTMENTS]
    subject = SUBJECTS[(i * 7) % len(SUBJECTS)]
    kind = KINDS[(i * 3) % len(KINDS)]
    return Project(
        code=f"SIM-{i:06d}",
        name=f"{dept.name[-3:]}{subject}{kind}（{2020 + i % 7}年第{i % 13 + 1}期）",
        jurisdiction=j,
        department=dept,
        category="new",
        channel="annual",
        start_year=2026,
        end_year=2026,
        summary=f"建设{subject}{kind}，对接全市共性平台，第{i}号。",
        invest_hardware=Decimal(100000 + i % 900000),
        total_investment=Decimal(100000 + i % 900000),
        protection_level=2,
        deployment="gov_cloud",
        created_by=user,
        status=status,
    )


def fill(size, j, depts, user):
    """Bring the database to exactly ``size`` non-draft projects (plus the draft query)."""
    have = Project.objects.exclude(status="draft").count()
    if have > size:
        extra = Project.objects.exclude(status="draft").order_by("-pk").values("pk")[: have - size]
        Project.objects.filter(pk__in=list(extra.values_list("pk", flat=True))).delete()
    batch = []
    for i in range(have, size):
        batch.append(_project(i, j, depts, user, STATES[i % len(STATES)]))
        if len(batch) == 5000:
            Project.objects.bulk_create(batch)
            batch = []
    Project.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    query, _ = Project.objects.get_or_create(
        code="SIM-QUERY",
        defaults={
            **{
                f.name: getattr(_project(0, j, depts, user, "draft"), f.name)
                for f in Project._meta.concrete_fields
                if f.name not in ("id", "code")
            },
            "name": QUERY_NAME,
            "summary": QUERY_SUMMARY,
        },
    )
    return query


def timed(func, repeat=7):
    func()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def bare_fetch(query):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name FROM projects_project WHERE status <> 'draft' AND id <> %s",
            [query.pk],
        )
        return cursor.fetchall()


def main():
    j, depts, user = _setup()
    print(f"{connection.vendor}, review.similarity.similar_projects (R7), median of 7 calls")
    for size in SIZES:
        query = fill(size, j, depts, user)
        candidates = len(bare_fetch(query))
        floor = timed(lambda query=query: bare_fetch(query))
        found = similar_projects(query)
        ms = timed(lambda query=query: similar_projects(query))
        best = f"{found[0].name} {found[0].score}" if found else "none"
        print(
            f"  {candidates:6d} candidates: {ms:7.1f} ms per call, floor (bare SELECT id, name) "
            f"{floor:6.1f} ms, {ms / floor:4.1f}× floor; best match: {best}"
        )


if __name__ == "__main__":
    main()
