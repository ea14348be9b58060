"""Amount checks and constants shared by the money services."""

from decimal import Decimal

from django.db.models import Sum

from core.permissions import WorkflowError
from projects.workflow import BUILDING_STATES
from projects.workflow import State as P

CENT = Decimal("0.01")
ZERO = Decimal("0")
# Project states in which contracts may be recorded and payments requested.
SPENDING_STATES = [P.FUNDED, *BUILDING_STATES, P.ACCEPTED, P.EVALUATING, P.EVALUATED]
# Project states that count as "accepted" for the final payment (R10).
ACCEPTED_STATES = [P.ACCEPTED, P.EVALUATING, P.EVALUATED]


def checked_amount(value, label) -> Decimal:
    if value is None:
        raise WorkflowError(f"请填写{label}")
    value = Decimal(value)
    if value <= 0:
        raise WorkflowError(f"{label}须大于 0")
    if value != value.quantize(CENT):
        raise WorkflowError(f"{label}最多精确到分")
    return value


def sum_of(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO
