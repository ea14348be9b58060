"""Page server time and query counts through the whole middleware stack, with floors.

``python bench/pages.py [name ...]`` against the database in ``DATABASE_URL`` (e.g. the demo
multiplied by ``bench/clone_demo.py``). Each page is requested ``BENCH_RUNS`` times,
interleaved with its floor: a bare JSON view of the same rows (same login, scope, filter,
order and 50-row slice) for the ledger, the detail page and the disbursement list; the other
pages are set against ``/floor/empty/`` (login, session and middleware only), a lower bound,
until ``manage.py bench`` (branch i8-data) gives each its own floor. Prints median ms, p95,
queries, floor, ratio and response size.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from budget.selectors import disbursement_list  # noqa: E402
from core.models import User  # noqa: E402
from projects.models import Project  # noqa: E402
from review.models import AgendaItem, Meeting, Review  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def _rows(queryset, fields):
    return JsonResponse({"rows": list(queryset.values(*fields)[:50])}, safe=False)


def floor_ledger(request):
    qs = Project.objects.visible_to(request.user).order_by("-updated_at", "-pk")
    for key in ("status", "department"):
        if request.GET.get(key):
            qs = qs.filter(**{key: request.GET[key]})
    if request.GET.get("q"):
        qs = qs.filter(name__icontains=request.GET["q"])
    return _rows(qs, ["pk", "code", "name", "department__name", "status", "total_investment"])


def floor_detail(request, pk):
    project = Project.objects.visible_to(request.user).filter(pk=pk).values().get()
    events = list(
        Project.objects.get(pk=pk)
        .audit_events.order_by("-created_at")
        .values("action_label", "actor_name", "created_at")[:50]
    )
    return JsonResponse(
        {"project": project, "events": events}, safe=False, json_dumps_params={"default": str}
    )


def floor_disbursements(request):
    qs = disbursement_list(user=request.user)
    return _rows(qs, ["pk", "amount", "status", "project__name", "project__department__name"])


def floor_empty(request):
    return JsonResponse({"user": request.user.pk})


urlpatterns = [
    path("floor/ledger/", floor_ledger),
    path("floor/detail/<int:pk>/", floor_detail),
    path("floor/disbursements/", floor_disbursements),
    path("floor/empty/", floor_empty),
    path("", include("config.urls")),
]


def pages():
    project = Project.objects.annotate(n=Count("audit_events")).order_by("-n").only("pk").first()
    review = Review.objects.filter(status="open").order_by("pk").first()
    meeting = Meeting.objects.annotate(n=Count("items")).order_by("-n").first()
    dept = project.department_id
    item = AgendaItem.objects.order_by("pk").first()
    del item
    return [
        ("ledger", "office", "/projects/", "/floor/ledger/"),
        (
            "ledger_filtered",
            "office",
            "/projects/?status=in_review&year=2026&q=平台",
            "/floor/ledger/?status=in_review&q=平台",
        ),
        (
            "ledger_dept",
            "office",
            f"/projects/?department={dept}",
            f"/floor/ledger/?department={dept}",
        ),
        ("ledger_p50", "office", "/projects/?page=50", "/floor/ledger/"),
        ("detail", "office", f"/projects/{project.pk}/", f"/floor/detail/{project.pk}/"),
        ("workspace_office", "office", "/", "/floor/empty/"),
        ("workspace_reviewer", "wxb", "/", "/floor/empty/"),
        ("workspace_finance", "finance", "/", "/floor/empty/"),
        ("workspace_dept", "dsj", "/", "/floor/empty/"),
        ("review_index", "office", "/review/", "/floor/empty/"),
        ("expert_tasks", "expert", "/review/mine/", "/floor/empty/"),
        ("reviewer_tasks", "wxb", "/review/mine/", "/floor/empty/"),
        ("meeting", "office", f"/review/meetings/{meeting.pk}/", "/floor/empty/"),
        ("meetings", "office", "/review/meetings/", "/floor/empty/"),
        ("votes", "leader", "/review/votes/", "/floor/empty/"),
        ("review_detail", "office", f"/review/{review.pk}/", "/floor/empty/"),
        ("cycle_time", "office", "/review/cycle-time/", "/floor/empty/"),
        ("budget_overview", "finance", "/budget/", "/floor/empty/"),
        ("disbursements", "finance", "/budget/disbursements/", "/floor/disbursements/"),
        ("execution", "finance", "/budget/execution/", "/floor/empty/"),
        ("notifications", "office", "/notifications/", "/floor/empty/"),
    ]


def timed(client, url):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(ctx.captured_queries), len(response.content)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def main(names):
    results = {}
    clients = {}
    for name, username, url, floor in pages():
        if names and name not in names:
            continue
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        runs = 3 if name == "cycle_time" and os.environ.get("BENCH_QUICK") else RUNS
        timed(client, url)
        timed(client, floor)
        page_ms, floor_ms = [], []
        for _ in range(runs):
            ms, queries, size = timed(client, url)
            page_ms.append(ms)
            floor_ms.append(timed(client, floor)[0])
        row = {
            "median_ms": round(statistics.median(page_ms), 1),
            "p95_ms": round(sorted(page_ms)[int(0.95 * (len(page_ms) - 1))], 1),
            "queries": queries,
            "floor_ms": round(statistics.median(floor_ms), 1),
            "kb": round(size / 1024),
        }
        row["ratio"] = round(row["median_ms"] / row["floor_ms"], 1)
        results[name] = row
        print(
            f"{name:20s} {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f}  "
            f"{row['queries']:4d} q  floor {row['floor_ms']:6.1f}  x{row['ratio']:5.1f}  "
            f"{row['kb']} KB",
            flush=True,
        )
    out = os.environ.get("BENCH_OUTPUT")
    if out:
        Path(out).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
