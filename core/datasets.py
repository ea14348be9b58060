"""Synthetic datasets for scale tests (``generate_dataset --scale demo|city|province``).

Each app contributes steps with ``@dataset_step(order)``; the command runs them in order and
each step reads what earlier steps wrote from the database (not from the context), so an app
can add a step without touching another app's. Orders in use: 10 organisations and users,
20 projects, 30 review, 40 budget, 50 acceptance and rectification, 60 post-evaluation and
O&M, 70 monthly returns and dispatch notes, 80 scorecards and bulletins, 90 audit chain.
Steps live in ``<app>/dataset.py`` (imported from the app's ``ready()``).
"""

import datetime as dt
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scale:
    name: str
    departments: int
    projects: int
    years: int
    disbursements: int
    returns: int


SCALES = {
    "demo": Scale("demo", departments=15, projects=300, years=2, disbursements=600, returns=3_000),
    "city": Scale(
        "city", departments=150, projects=6_000, years=5, disbursements=20_000, returns=150_000
    ),
    "province": Scale(
        "province",
        departments=1_500,
        projects=60_000,
        years=5,
        disbursements=200_000,
        returns=1_500_000,
    ),
}


@dataclass
class DatasetContext:
    scale: Scale
    today: dt.date
    rng: random.Random
    log: callable = print
    notes: dict = field(default_factory=dict)  # free-form hand-over between steps, if needed


_steps: list[tuple[int, str, callable]] = []


def dataset_step(order: int):
    """Register ``func(ctx: DatasetContext) -> None`` to run at position ``order``."""

    def register(func):
        _steps.append((order, f"{func.__module__}.{func.__qualname__}", func))
        return func

    return register


def dataset_steps():
    return [func for _order, _name, func in sorted(_steps, key=lambda s: (s[0], s[1]))]
