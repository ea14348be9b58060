"""A bounded load test on loopback: gunicorn on the dataset, locust headless for a few minutes,
gunicorn workers' memory sampled throughout (``make loadtest``)."""

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from core.database import use_database
from core.datasets import SCALES
from core.models import Role, User
from core.todo import todos_for
from projects.models import Project

ROOT = Path(settings.BASE_DIR)


def _rss_mb(pid) -> float:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _workers(master) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


class Command(BaseCommand):
    help = "负载测试：gunicorn + locust（本机回环），报告每秒请求数、p95、错误率和工作进程内存。"

    def add_arguments(self, parser):
        parser.add_argument("--database-url")
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--spawn-rate", type=float, default=4)
        parser.add_argument("--duration", default="3m")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--port", type=int, default=8199)
        parser.add_argument("--output", default="loadtest.json")

    def handle(self, *args, **o):
        if o["database_url"]:
            use_database(o["database_url"])
        plan = self._plan()
        tmp = Path(tempfile.mkdtemp(prefix="loadtest-"))
        (tmp / "plan.json").write_text(json.dumps(plan, ensure_ascii=False))
        env = {**os.environ, "LOADTEST_PLAN": str(tmp / "plan.json"), "DJANGO_DEBUG": "0"}
        if o["database_url"]:
            env["DATABASE_URL"] = o["database_url"]
        bin_dir = Path(sys.executable).parent
        gunicorn = subprocess.Popen(
            [bin_dir / "gunicorn", "config.wsgi", "-w", str(o["workers"]), "-b",
             f"127.0.0.1:{o['port']}", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=open(tmp / "gunicorn.log", "w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        host = f"http://127.0.0.1:{o['port']}"
        try:
            self._wait_ready(host, gunicorn, tmp)
            locust = subprocess.Popen(
                [bin_dir / "locust", "-f", ROOT / "bench" / "locustfile.py", "--headless",
                 "-u", str(o["users"]), "-r", str(o["spawn_rate"]), "-t", o["duration"],
                 "--host", host, "--csv", tmp / "locust", "--only-summary",
                 "--stop-timeout", "10"],
                cwd=ROOT, env=env, stdout=open(tmp / "locust.log", "w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            samples = []
            while locust.poll() is None:
                samples.append([round(_rss_mb(pid), 1) for pid in _workers(gunicorn.pid)])
                time.sleep(5)
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        report = self._report(tmp, samples, o)
        Path(o["output"]).write_text(json.dumps(report, ensure_ascii=False, indent=1))
        self.stdout.write(self._text(report))
        if report["failures"] or not report["requests"]:
            raise CommandError(f"负载测试有 {report['failures']} 个失败请求（日志在 {tmp}）")

    def _plan(self):
        """Office staff and department officers of the dataset's first city, with projects
        each may open and the to-do pages of their workspace."""
        count = Project.objects.count()
        scale = next((s.name for s in SCALES.values() if s.projects == count), "custom")
        office = list(User.objects.filter(roles__code=Role.OFFICE).order_by("pk")[:6])
        officers = list(
            User.objects.filter(roles__code=Role.DEPT_OFFICER)
            .annotate(n=Count("organisation__projects"))
            .order_by("-n", "pk")[:14]
        )
        users = []
        for user in office + officers:
            ids = list(
                Project.objects.visible_to(user).order_by("?").values_list("pk", flat=True)[:50]
            )
            todos = [item.url for item in todos_for(user)] or ["/notifications/"]
            users.append({"username": user.username, "projects": ids, "todos": todos})
        return {"scale": scale, "password": "Demo@2026", "users": users}

    def _wait_ready(self, host, gunicorn, tmp):
        for _ in range(120):
            if gunicorn.poll() is not None:
                raise CommandError(
                    f"gunicorn 未能启动：{(tmp / 'gunicorn.log').read_text()[-2000:]}"
                )
            try:
                urllib.request.urlopen(f"{host}/login/", timeout=5)
                return
            except OSError:
                time.sleep(1)
        raise CommandError("gunicorn 两分钟内没有响应")

    def _report(self, tmp, samples, o):
        import csv

        rows = list(csv.DictReader(open(tmp / "locust_stats.csv", encoding="utf-8")))
        total = next(r for r in rows if r["Name"] == "Aggregated")
        per_worker = [list(column) for column in zip(*[s for s in samples if s], strict=False)]
        return {
            "users": o["users"],
            "duration": o["duration"],
            "workers": o["workers"],
            "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"]),
            "requests_per_second": round(float(total["Requests/s"]), 1),
            "median_ms": float(total["Median Response Time"]),
            "p95_ms": float(total["95%"]),
            "endpoints": [
                {
                    "name": r["Name"],
                    "method": r["Type"],
                    "requests": int(r["Request Count"]),
                    "failures": int(r["Failure Count"]),
                    "median_ms": float(r["Median Response Time"]),
                    "p95_ms": float(r["95%"]),
                }
                for r in rows
                if r["Name"] != "Aggregated"
            ],  # fmt: skip
            "worker_rss_mb": [
                {"first": w[0], "last": w[-1], "max": max(w), "median": statistics.median(w)}
                for w in per_worker
            ],
            "rss_samples": samples,
            "logs": str(tmp),
        }

    def _text(self, r):
        lines = [
            f"负载测试：{r['users']} 个并发用户，{r['duration']}，gunicorn {r['workers']} 个工作进程",
            f"  请求 {r['requests']} 个，失败 {r['failures']} 个"
            f"（错误率 {r['failures'] / max(1, r['requests']):.2%}）",
            f"  每秒请求 {r['requests_per_second']}，中位数 {r['median_ms']:.0f} ms，"
            f"p95 {r['p95_ms']:.0f} ms",
        ]
        for i, w in enumerate(r["worker_rss_mb"], start=1):
            lines.append(
                f"  工作进程 {i} 内存（RSS）：开始 {w['first']} MB，结束 {w['last']} MB，"
                f"最高 {w['max']} MB"
            )
        lines.append("| 请求 | 次数 | 失败 | 中位数 ms | p95 ms |")
        lines.append("|---|---|---|---|---|")
        for e in r["endpoints"]:
            lines.append(f"| {e['method']} {e['name']} | {e['requests']} | {e['failures']} | "
                         f"{e['median_ms']:.0f} | {e['p95_ms']:.0f} |")  # fmt: skip
        return "\n".join(lines)
