"""Throwaway: multiply the seeded demo jurisdiction to province scale (benchmark data only).

Run after ``seed_demo`` on an empty PostgreSQL database:
``BENCH_COPIES=999 python bench/clone_demo.py``. Every project of the demo and the rows
hanging off it (reviews, tasks, opinions, panels, scores, meetings, votes, budget lines,
contracts, milestones, disbursements, audit events) are copied ``BENCH_COPIES`` times with
their foreign keys remapped; codes get a suffix, audit events go to their own chains.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.db import transaction  # noqa: E402

COPIES = int(os.environ.get("BENCH_COPIES", 999))
FIRST = int(os.environ.get("BENCH_FIRST", 1))
BATCH = int(os.environ.get("BENCH_BATCH", 25))
NOTIFICATION_COPIES = int(os.environ.get("BENCH_NOTIFICATION_COPIES", 20))
ORDER = [
    "projects.Project",
    "projects.DataResource",
    "projects.Attachment",
    "projects.RuleJustification",
    "review.Review",
    "review.ReviewTask",
    "review.Opinion",
    "review.Panel",
    "review.PanelMember",
    "review.Score",
    "review.Meeting",
    "review.MeetingMember",
    "review.AgendaItem",
    "review.Vote",
    "budget.BudgetLine",
    "budget.Contract",
    "budget.Milestone",
    "budget.Disbursement",
    "core.AuditEvent",
]


def main():
    models = [apps.get_model(label) for label in ORDER]
    cloned = {m for m in models}
    originals = {m: list(m.objects.order_by("pk")) for m in models}
    originals[models[-1]] = [e for e in originals[models[-1]] if e.project_id]
    notifications = list(apps.get_model("core.Notification").objects.order_by("pk"))
    for start in range(FIRST, COPIES + 1, BATCH):
        copies = range(start, min(start + BATCH, COPIES + 1))
        with transaction.atomic():
            mapping = {}  # (model, old pk) -> {copy: new pk}
            for model in models:
                fks = [
                    f
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.related_model in cloned
                ]
                rows, keys = [], []
                for k in copies:
                    for obj in originals[model]:
                        new = model(
                            **{
                                f.attname: getattr(obj, f.attname)
                                for f in model._meta.concrete_fields
                                if not f.primary_key
                            }
                        )
                        for f in fks:
                            old = getattr(obj, f.attname)
                            if old is not None:
                                setattr(new, f.attname, mapping[(f.related_model, old)][k])
                        if model.__name__ == "Project" and obj.code:
                            new.code = f"{obj.code}-{k}"
                        if model.__name__ == "AuditEvent":
                            new.chain = f"bench{k}"
                        rows.append(new)
                        keys.append((obj.pk, k))
                model.objects.bulk_create(rows, batch_size=2000)
                for new, (old, k) in zip(rows, keys, strict=True):
                    mapping.setdefault((model, old), {})[k] = new.pk
            if start <= NOTIFICATION_COPIES:
                n = apps.get_model("core.Notification")
                n.objects.bulk_create(
                    [
                        n(
                            **{
                                f.attname: getattr(obj, f.attname)
                                for f in n._meta.concrete_fields
                                if not f.primary_key
                            }
                        )
                        for _ in copies
                        for obj in notifications
                    ],
                    batch_size=2000,
                )
        print(f"copies {copies.start}-{copies.stop - 1} done", flush=True)


if __name__ == "__main__":
    main()
