"""Amount checks shared by the money services (states and sums are in ``budget.rules``)."""

from decimal import Decimal

from core.permissions import WorkflowError

CENT = Decimal("0.01")


def checked_amount(value, label) -> Decimal:
    if value is None:
        raise WorkflowError(f"请填写{label}")
    value = Decimal(value)
    if value <= 0:
        raise WorkflowError(f"{label}须大于 0")
    if value != value.quantize(CENT):
        raise WorkflowError(f"{label}最多精确到分")
    return value
