"""Audited writes per second on PostgreSQL with 1, 4 and 16 concurrent writers. `make bench`.

Each writer works in its own jurisdiction, as departments of different districts do: inside one
transaction it locks its own project row, touches it, appends an audit event and commits, over
and over for BENCH_SECONDS. Writers in different jurisdictions share nothing but the audit
chain, so the figures show how much the chain serialises unrelated work.

BENCH_RTT_MS adds a round trip to every statement, as when the application and the database
run on separate hosts; locally the round trip is near zero and two shared cores are saturated
by Python and PostgreSQL long before any lock is, which hides serialisation. Each run is
repeated for every RTT given (default "0,5").
"""

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.audit import audit_record  # noqa: E402
from core.models import Jurisdiction, Organisation, User  # noqa: E402
from projects.models import Project  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", 5))
WRITERS = [int(n) for n in os.environ.get("BENCH_WRITERS", "1,4,16").split(",")]
RTTS_MS = [float(n) for n in os.environ.get("BENCH_RTT_MS", "0,5").split(",")]


def writer_project(i):
    """One jurisdiction, department, officer and project per writer (benchmark data only)."""
    j, _ = Jurisdiction.objects.get_or_create(
        code=f"bench-audit-{i}", defaults={"name": f"基准区{i}", "level": "district"}
    )
    org, _ = Organisation.objects.get_or_create(
        code=f"bench-audit-{i}",
        defaults={"name": f"基准区{i}数据局", "jurisdiction": j, "kind": "department"},
    )
    user, _ = User.objects.get_or_create(
        username=f"bench-audit-{i}", defaults={"organisation": org}
    )
    project, _ = Project.objects.get_or_create(
        code=f"BENCH-AUDIT-{i:02d}",
        defaults={
            "name": f"基准区{i}审计吞吐项目",
            "jurisdiction": j,
            "department": org,
            "category": "new",
            "channel": "annual",
            "start_year": 2026,
            "end_year": 2026,
            "created_by": user,
        },
    )
    return project.pk, user


def write_loop(project_pk, user, rtt, barrier, deadline_box, counts):
    def round_trip(execute, sql, params, many, context):
        time.sleep(rtt)
        return execute(sql, params, many, context)

    done = 0
    try:
        barrier.wait()
        while time.perf_counter() < deadline_box[0]:
            with connection.execute_wrapper(round_trip), transaction.atomic():
                project = Project.objects.select_for_update().get(pk=project_pk)
                Project.objects.filter(pk=project_pk).update(updated_at=timezone.now())
                audit_record(
                    by=user,
                    subject=project,
                    project=project,
                    action="bench",
                    action_label="吞吐基准",
                )
            done += 1
    finally:
        connection.close()
    counts.append(done)


def measure(writers, targets, rtt):
    barrier = threading.Barrier(writers + 1)
    deadline_box, counts = [0.0], []
    threads = [
        threading.Thread(target=write_loop, args=(*targets[i], rtt, barrier, deadline_box, counts))
        for i in range(writers)
    ]
    for t in threads:
        t.start()
    deadline_box[0] = time.perf_counter() + SECONDS
    barrier.wait()
    for t in threads:
        t.join()
    return sum(counts) / SECONDS


def main():
    if connection.vendor != "postgresql":
        sys.exit("audit_throughput needs PostgreSQL (set DATABASE_URL)")
    targets = [writer_project(i) for i in range(max(WRITERS))]
    connection.close()
    print(f"audited writes per second, {SECONDS:g} s per run, one jurisdiction per writer")
    for rtt_ms in RTTS_MS:
        print(f"  round trip per statement {rtt_ms:g} ms:")
        for writers in WRITERS:
            rate = measure(writers, targets, rtt_ms / 1000)
            print(f"    {writers:2d} writers: {rate:8.1f} writes/s  ({rate / writers:6.1f} each)")


if __name__ == "__main__":
    main()
