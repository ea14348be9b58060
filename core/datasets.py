"""Synthetic datasets for scale tests (``generate_dataset --scale demo|city|province``).

Each app contributes steps with ``@dataset_step(order)``; the command runs them in order once
per jurisdiction unit (a city; at province scale the province's own departments and nine
cities), and each step reads what earlier steps wrote from the database (filtered by
``ctx.jurisdiction``), so an app can add a step without touching another app's. Orders in use:
10 organisations and users, 20 projects, 30 review, 40 budget, 50 acceptance and
rectification, 60 post-evaluation and O&M, 70 monthly returns and dispatch notes,
80 scorecards and bulletins, 90 audit chain and notifications.
Steps live in ``<app>/dataset.py`` (imported from the app's ``ready()``).

Hand-over that is not in the database yet:
- ``ctx.history[project_id]``: the project's transitions ``Transition(action, from, to, at,
  actor_id, comment)``, written by the projects step; later steps date their records between
  them (a review between ``accept_for_review`` and the decision, payments after
  ``start_construction``) and must not change them.
- ``ctx.event(...)`` queues an audit event and ``ctx.notify(...)`` a notification; the core
  step at order 90 sorts the unit's events by time, chains and hashes them exactly as
  ``core.audit`` does, and writes both in bulk.

Checks: ``@dataset_check`` registers ``func(scale) -> list[str]`` (problems found, empty when the
invariant holds); ``manage.py check_dataset`` runs them all.
"""

import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection


@dataclass(frozen=True)
class Scale:
    name: str
    departments: int
    projects: int
    years: int
    disbursements: int
    returns: int
    events: int  # audit events in all chains (SPEC §9: about one million per city)
    units: int = 1  # jurisdictions that carry projects (province: itself and nine cities)

    def per_unit(self, total: int) -> int:
        return total // self.units


SCALES = {
    "demo": Scale(
        "demo",
        departments=15,
        projects=300,
        years=3,
        disbursements=600,
        returns=3_000,
        events=20_000,
    ),
    "city": Scale(
        "city",
        departments=150,
        projects=6_000,
        years=5,
        disbursements=20_000,
        returns=150_000,
        events=1_000_000,
    ),
    "province": Scale(
        "province",
        departments=1_500,
        projects=60_000,
        years=5,
        disbursements=200_000,
        returns=1_500_000,
        events=10_000_000,
        units=10,
    ),
}


@dataclass(frozen=True)
class Transition:
    action: str
    from_state: str
    to_state: str
    at: dt.datetime
    actor_id: int
    comment: str = ""


# Columns of a queued audit event, in this order (``ctx.event``).
EVENT_COLUMNS = (
    "created_at",
    "actor_id",
    "subject_type",
    "subject_id",
    "project_id",
    "action",
    "action_label",
    "from_state",
    "to_state",
    "comment",
    "data",
)


@dataclass
class DatasetContext:
    scale: Scale
    today: dt.date
    rng: random.Random
    log: callable = print
    jurisdiction: object = None  # the unit being generated (core.Jurisdiction)
    unit_index: int = 0
    history: dict = field(default_factory=dict)  # project id -> [Transition], see above
    events: list = field(default_factory=list)  # queued audit events (EVENT_COLUMNS tuples)
    notifications: list = field(default_factory=list)  # (recipient, at, text, url, read_at)
    notes: dict = field(default_factory=dict)  # free-form hand-over between steps, if needed

    @property
    def now(self) -> dt.datetime:
        return dt.datetime.combine(self.today, dt.time(18, 0), tzinfo=dt.UTC)

    @property
    def start(self) -> dt.datetime:
        """The first day of the dataset's history (``scale.years`` before today)."""
        return self.now - dt.timedelta(days=365 * self.scale.years)

    def event(
        self,
        at,
        actor_id,
        action,
        label,
        *,
        subject_type="",
        subject_id=None,
        project_id=None,
        from_state="",
        to_state="",
        comment="",
        data=None,
    ):
        self.events.append(
            (
                at,
                actor_id,
                subject_type,
                subject_id,
                project_id,
                action,
                label,
                from_state,
                to_state,
                comment,
                data or {},
            )
        )

    def notify(self, recipient_id, at, text, url="", read=True):
        read_at = at + dt.timedelta(hours=self.rng.randint(1, 72)) if read else None
        if read_at and read_at > self.now:
            read_at = None
        self.notifications.append((recipient_id, at, text[:200], url, read_at))


_steps: list[tuple[int, str, callable]] = []
_checks: list[tuple[str, callable]] = []


def dataset_step(order: int):
    """Register ``func(ctx: DatasetContext) -> None`` to run at position ``order``."""

    def register(func):
        _steps.append((order, f"{func.__module__}.{func.__qualname__}", func))
        return func

    return register


def dataset_steps():
    return [func for _order, _name, func in sorted(_steps, key=lambda s: (s[0], s[1]))]


def dataset_check(func):
    """Register ``func(scale) -> list[str]``: an invariant the generated data must keep."""
    _checks.append((f"{func.__module__}.{func.__qualname__}", func))
    return func


def dataset_checks():
    return sorted(_checks)


# Bulk writing -------------------------------------------------------------------------------


class IdAllocator:
    """Primary keys handed out in Python so rows can refer to each other before they are
    written; ``finish`` moves the PostgreSQL sequences past them."""

    def __init__(self):
        self._next = {}

    def reset(self):
        self._next = {}

    def take(self, model, n=1) -> range:
        table = model._meta.db_table
        if table not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self._next[table] = cursor.fetchone()[0] + 1
        first = self._next[table]
        self._next[table] = first + n
        return range(first, first + n)

    def finish(self):
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self._next:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )


ids = IdAllocator()


def with_ids(model, rows) -> list[tuple]:
    """``rows`` with a fresh primary key in front of each."""
    first = ids.take(model, len(rows)).start
    return [(first + n, *row) for n, row in enumerate(rows)]


def _column(model, name):
    return model._meta.get_field(name).column if not name.endswith("_id") else name


def _text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    elif isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


def _db_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def bulk_insert(model, columns, rows, table=None):
    """Write ``rows`` (tuples in ``columns`` order, ids included) with COPY on PostgreSQL,
    else one executemany. Bypasses ``save()``: the caller supplies every value, timestamps too.
    """
    table = table or model._meta.db_table
    if not rows:
        return 0
    extra = _defaults(model, columns)
    if extra:  # columns a step does not know (added later) get the field's default
        columns = [*columns, *(name for name, _ in extra)]
        values = tuple(value for _, value in extra)
        rows = [tuple(row) + values for row in rows]
    names = [connection.ops.quote_name(_column(model, c)) for c in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                buffer = io.StringIO()
                for i, row in enumerate(rows):
                    buffer.write("\t".join(map(_text, row)))
                    buffer.write("\n")
                    if i % 5000 == 4999:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
            if "id" in columns:  # later steps may create rows through the ORM
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))",
                    [table],
                )
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                [tuple(_db_value(v) for v in row) for row in rows],
            )
    return len(rows)


def _defaults(model, columns) -> list[tuple[str, object]]:
    """(name, value) for the NOT NULL fields missing from ``columns`` that have a default."""
    given = set(columns)
    missing = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.null or given & {f.name, f.attname, f.column}:
            continue
        if f.has_default():
            missing.append((f.name, f.get_default()))
        elif f.blank and f.get_internal_type() in ("CharField", "TextField", "SlugField"):
            missing.append((f.name, ""))
    return missing


def copy_lines(model, columns, lines):
    """COPY ready-made lines (tab-separated, COPY text format) into ``model``'s table."""
    names = ", ".join(connection.ops.quote_name(_column(model, c)) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for start in range(0, len(lines), 20000):
                copy.write("\n".join(lines[start : start + 20000]) + "\n")


def weighted_sizes(rng, total: int, n: int, skew: float = 1.0) -> list[int]:
    """``total`` split over ``n`` buckets with Zipf-like weights (skewed sizes), each ≥ 1 when
    ``total`` ≥ ``n``; shuffled so the largest bucket is not always the first."""
    weights = [1 / (i + 1) ** skew for i in range(n)]
    scale = total / sum(weights)
    sizes = [max(1 if total >= n else 0, int(w * scale)) for w in weights]
    i = 0
    while sum(sizes) < total:
        sizes[i % n] += 1
        i += 1
    while sum(sizes) > total:
        j = max(range(n), key=lambda k: sizes[k])
        sizes[j] -= 1
    return sizes
