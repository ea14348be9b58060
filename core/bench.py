"""The benchmark's cases (``manage.py bench``), registered by each app's ``bench.py``.

A case is a page (timed through the whole middleware stack with Django's test client, as its
user), an export (timed in a subprocess that also reports its peak memory), or a call (timed
in-process). Each page states its floors: bare Django JSON views of the same rows with the same
user, scope (``visible_to``), filter, order and slice, served through the same stack and timed
in the same interleaved runs, and for the ledger the Django admin changelist with the same
filter. Lookups shared by cases (the office of the largest jurisdiction, the busiest expert …)
live on ``Env`` and are computed once.

Add a case from an app's ``bench.py``::

    bench_case("预算总览", group="budget", user=lambda env: env.user(Role.FINANCE),
               url=lambda env: "/budget/", floors={"bare": lambda user, env: ...})
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count

PAGE = "page"
EXPORT = "export"
CALL = "call"


@dataclass
class Case:
    name: str
    group: str
    kind: str = PAGE
    user: Callable | None = None  # env -> User
    url: Callable | None = None  # env -> str (pages and exports)
    call: Callable | None = None  # env -> None, or -> number of operations (throughput)
    floors: dict = field(default_factory=dict)  # label -> (user, env) -> rows (JSON-able)
    admin: Callable | None = None  # env -> admin changelist URL with the same filter
    note: str = ""
    throughput: bool = False  # the call returns operations done; report them per second

    @property
    def slug(self) -> str:
        return str(abs(hash(self.name)))


_cases: list[Case] = []


def bench_case(name, **kwargs) -> Case:
    case = Case(name=name, **kwargs)
    _cases.append(case)
    return case


def bench_cases() -> list[Case]:
    return list(_cases)


class Env:
    """Objects the cases run against, looked up once in the dataset."""

    def __init__(self):
        self._cache = {}

    def once(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def jurisdiction(self):
        """The top jurisdiction (the province at province scale): its office sees the most."""
        from core.models import Jurisdiction

        return self.once(
            "jurisdiction",
            lambda: (
                Jurisdiction.objects.filter(parent__isnull=True)
                .annotate(n=Count("organisation"))
                .order_by("-n", "pk")
                .first()
            ),
        )

    def user(self, role, jurisdiction=None):
        from core.models import User

        jurisdiction = jurisdiction or self.jurisdiction
        return self.once(
            ("user", role, jurisdiction.pk),
            lambda: (
                User.objects.filter(
                    roles__code=role, organisation__jurisdiction=jurisdiction, is_active=True
                )
                .order_by("pk")
                .first()
            ),
        )

    @property
    def admin(self):
        from core.models import User

        return self.once("admin", lambda: User.objects.filter(is_superuser=True).first())
