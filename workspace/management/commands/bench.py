"""Benchmark every registered case (``core/bench.py``) against a generated dataset.

Pages: server time through the whole middleware stack (Django's test client, logged in as
the case's user), median and p95 over interleaved runs (each run times every case and its
floors back to back), and the query count of one run. Exports: time and peak memory in a
fresh subprocess per run. Calls: time per call. Prints a table and writes JSON.
"""

import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
import types

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils.module_loading import autodiscover_modules

from core.bench import CALL, EXPORT, PAGE, Env, bench_cases
from core.database import use_database
from core.datasets import SCALES
from projects.models import Project

SLOW_SECONDS = 2.0  # a case slower than this per run gets fewer runs (noted in the output)


def _floor_urlconf(cases, env):
    """The site's URLs plus one bare JSON view per floor, behind the same middleware."""

    def floor_view(request, slug, label):
        if not request.user.is_authenticated:
            return JsonResponse({}, status=403)
        case = next(c for c in cases if c.slug == slug)
        return JsonResponse({"rows": case.floors[label](request.user, env)}, safe=False)

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path("__bench__/<str:slug>/<str:label>/", floor_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    return module


def _percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(samples):
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 0.95), 2),
        "runs": len(samples),
    }


class Command(BaseCommand):
    help = "基准测试：各页面、导出、R7、PDF 与审计写入，对照同次测量的基线（裸 JSON 视图）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), help="label only; default: guessed")
        parser.add_argument("--database-url")
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--export-runs", type=int, default=3)
        parser.add_argument("--output", default="bench.json")
        parser.add_argument("--only", default="", help="run the cases whose name contains this")
        parser.add_argument("--export-child", default="", help=os.devnull)  # internal

    def handle(self, *args, **options):
        if options["database_url"]:
            use_database(options["database_url"])
        autodiscover_modules("bench")
        for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        settings.DEBUG = False
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        env = Env()
        cases = [c for c in bench_cases() if options["only"] in c.name]
        if options["export_child"]:
            return self._export_child(env, options["export_child"])
        if not Project.objects.exists():
            raise CommandError("数据库中没有项目：请先运行 generate_dataset")
        count = Project.objects.count()
        scale = options["scale"] or next(
            (s.name for s in SCALES.values() if s.projects == count), "custom"
        )
        self.stdout.write(f"基准测试：{scale} 规模，{count} 个项目，{connection.vendor}")
        with override_settings(ROOT_URLCONF=_floor_urlconf(cases, env)):
            results = self._run(cases, env, options)
        report = {
            "meta": {
                "scale": scale,
                "projects": count,
                "database": connection.vendor,
                "runs": options["runs"],
                "export_runs": options["export_runs"],
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU, {platform.platform()}",
                "load_average": list(os.getloadavg()),
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            },
            "cases": results,
        }
        with open(options["output"], "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=1)
        self.stdout.write(table(report))
        self.stdout.write(f"写入 {options['output']}")

    # Pages and calls, interleaved ---------------------------------------------------------

    def _run(self, cases, env, options):
        clients, timers, results = {}, [], {}
        for case in cases:
            result = results[case.name] = {"name": case.name, "group": case.group,
                                           "kind": case.kind, "note": case.note}  # fmt: skip
            if case.kind == EXPORT:
                continue
            if case.kind == CALL:
                timers.append((case.name, "value", lambda c=case: c.call(env)))
                continue
            user = case.user(env)
            if user is None:
                result["error"] = "数据集中没有该用户"
                continue
            client = clients.get(user.pk)
            if client is None:
                client = clients[user.pk] = Client()
                client.force_login(user)
            url = case.url(env)
            result["url"], result["user"] = url, user.username
            timers.append((case.name, "value", _getter(client, url)))
            for label in case.floors:
                floor_url = f"/__bench__/{case.slug}/{label}/"
                timers.append((case.name, label, _getter(client, floor_url)))
            if case.admin:
                admin = clients.setdefault("admin", Client())
                admin.force_login(env.admin)
                timers.append((case.name, "admin changelist", _getter(admin, case.admin(env))))
        # Warm up, count queries, and size the runs of slow cases.
        runs = {}
        for name, label, func in timers:
            t0 = time.perf_counter()
            func()
            took = time.perf_counter() - t0
            with CaptureQueriesContext(connection) as queries:
                func()
            key = "queries" if label == "value" else f"{label} queries"
            results[name][key] = len(queries)
            runs[(name, label)] = options["runs"] if took < SLOW_SECONDS else 3
            self.stderr.write(f"  预热 {name} · {label}: {took * 1000:.0f} ms")
        samples = {key: [] for key in runs}
        for run in range(options["runs"]):
            for name, label, func in timers:
                if len(samples[(name, label)]) >= runs[(name, label)]:
                    continue
                t0 = time.perf_counter()
                func()
                samples[(name, label)].append((time.perf_counter() - t0) * 1000)
            self.stderr.write(f"  第 {run + 1} 轮完成")
        for (name, label), values in samples.items():
            results[name]["value" if label == "value" else label] = _summary(values)
        for case in cases:
            if case.kind == EXPORT and options["export_runs"]:
                results[case.name].update(self._exports(case, env, options))
            elif case.kind == EXPORT:
                results[case.name]["skipped"] = "--export-runs 0"
        results["审计事件追加（每秒）"] = _audit_appends(env)
        return list(results.values())

    # Exports, each run in a fresh process ---------------------------------------------------

    def _exports(self, case, env, options):
        out = {"url": case.url(env), "user": case.user(env).username}
        for label in ["value", *case.floors]:
            times, peaks = [], []
            for _ in range(options["export_runs"]):
                child = [sys.executable, "manage.py", "bench", "--export-child", f"{label}",
                         "--only", case.name]  # fmt: skip
                if options["database_url"]:
                    child += ["--database-url", options["database_url"]]
                done = subprocess.run(child, capture_output=True, text=True, check=False)
                if done.returncode:
                    out["error"] = done.stderr[-2000:]
                    return out
                measured = json.loads(done.stdout.strip().splitlines()[-1])
                times.append(measured["ms"])
                peaks.append(measured["peak_mb"])
            out[label] = {
                **_summary(times),
                "peak_mb": max(peaks),
                "before_mb": measured["base_mb"],
            }
            self.stderr.write(f"  导出 {case.name} · {label}: {statistics.median(times):.0f} ms")
        return out

    def _export_child(self, env, label):
        """One export (or its floor) in this fresh process: time, and peak memory (RSS)."""
        case = next(c for c in bench_cases() if c.kind == EXPORT and self._only in c.name)
        user = case.user(env)
        client = Client()
        client.force_login(user)
        sampler = RssSampler()
        base = sampler.start()
        t0 = time.perf_counter()
        if label == "value":
            response = client.get(case.url(env))
            size = sum(len(chunk) for chunk in response) if response.streaming else len(
                response.content)  # fmt: skip
            assert response.status_code == 200, response.status_code
        else:
            case.floors[label](user, env)
            size = 0
        ms = (time.perf_counter() - t0) * 1000
        peak = sampler.stop()
        self.stdout.write(json.dumps({"ms": ms, "peak_mb": round(peak, 1),
                                      "base_mb": round(base, 1), "bytes": size}))  # fmt: skip

    def execute(self, *args, **options):
        self._only = options.get("only", "")
        return super().execute(*args, **options)


class RssSampler:
    """Peak resident memory of this process while it works, sampled every 10 ms."""

    def _rss_mb(self):
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20

    def start(self) -> float:
        self.peak, self.running = self._rss_mb(), True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self.peak

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self._rss_mb())
            time.sleep(0.01)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return max(self.peak, self._rss_mb())


def _getter(client, url):
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} 返回 {response.status_code}")
        if response.streaming:
            for _ in response:
                pass
        return response

    return get


def _audit_appends(env, n=300):
    """Audited appends to one jurisdiction's chain, each in its own savepoint (what a service
    does inside its transaction), rolled back at the end so the dataset does not change."""
    from django.db import transaction

    from core.audit import audit_record

    user = env.admin
    with transaction.atomic():
        t0 = time.perf_counter()
        for i in range(n):
            with transaction.atomic():
                audit_record(by=user, jurisdiction=env.jurisdiction, action="bench",
                             action_label="基准测试", data={"i": i})  # fmt: skip
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    return {"name": "审计事件追加（每秒）", "group": "core", "kind": "throughput",
            "per_second": round(n / seconds), "appends": n}  # fmt: skip


def _fmt(summary):
    if not summary or "median_ms" not in summary:
        return ""
    text = f"{summary['median_ms']:.1f}"
    return text if summary.get("runs", 15) >= 15 else f"{text} (n={summary['runs']})"


def table(report) -> str:
    """The results as a Markdown table: each figure beside its floors."""
    lines = [
        "| 用例 | 中位数 ms | p95 ms | 查询数 | 基线（同次测量） | 倍数 |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["cases"]:
        if r.get("kind") == "throughput":
            lines.append(f"| {r['name']} | {r['per_second']} 次/秒 | | | | |")
            continue
        value = r.get("value") or {}
        if r.get("skipped"):
            lines.append(f"| {r['name']} | 未运行（{r['skipped']}） | | | | |")
            continue
        if r.get("error"):
            lines.append(f"| {r['name']} | 错误：{r['error'][:80]} | | | | |")
            continue
        floors = [(k, v) for k, v in r.items() if isinstance(v, dict) and k != "value"]
        floor_text = "；".join(
            f"{k} {_fmt(v)}" + (f"，{r.get(k + ' queries')} 查询" if r.get(k + " queries") else "")
            + (f"，内存峰值 {v['peak_mb']} MB" if "peak_mb" in v else "")
            for k, v in floors
        )  # fmt: skip
        ratio = ""
        if floors and value.get("median_ms") and floors[0][1].get("median_ms"):
            ratio = f"{value['median_ms'] / floors[0][1]['median_ms']:.1f}×"
        p95 = f"{value['p95_ms']:.1f}" if "p95_ms" in value else ""
        peak = ""
        if "peak_mb" in value:
            peak = f"，内存峰值 {value['peak_mb']} MB（导出前 {value['before_mb']} MB）"
        lines.append(f"| {r['name']} | {_fmt(value)}{peak} | {p95} | {r.get('queries', '')} | "
                     f"{floor_text} | {ratio} |")  # fmt: skip
    return "\n".join(lines)


__all__ = ["PAGE", "table"]
