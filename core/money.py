"""Money is stored in yuan (Decimal, two places); budgets are read and typed in 万元."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms

WAN = Decimal("10000")
CENT = Decimal("0.01")


def to_wan(yuan) -> Decimal | None:
    return None if yuan is None else (Decimal(yuan) / WAN).quantize(Decimal("0.0001"))


def from_wan(wan) -> Decimal | None:
    return None if wan is None else (Decimal(wan) * WAN).quantize(CENT, ROUND_HALF_UP)


def wan_display(yuan) -> str:
    if yuan is None:
        return "—"
    return f"{to_wan(yuan):,.2f}"


class WanField(forms.DecimalField):
    """A money input in 万元 whose cleaned value is yuan."""

    def __init__(self, *, label, required=False, **kwargs):
        super().__init__(
            label=f"{label}（万元）",
            required=required,
            min_value=0,
            max_value=Decimal("99999999"),
            max_digits=14,
            decimal_places=6,
            error_messages={
                "min_value": f"{label}不能为负数",
                "max_value": f"{label}超出合理范围",
                "invalid": f"{label}须为数字（单位：万元）",
                "max_decimal_places": f"{label}最多保留6位小数（精确到分）",
            },
            **kwargs,
        )

    def clean(self, value):
        wan = super().clean(value)
        return from_wan(wan) if wan is not None else Decimal("0")


def wan_in_document(yuan) -> str:
    """Money as 公文 write it: 1674万元, 12.5万元 (no separators, no trailing zeros)."""
    if yuan is None:
        return "—"
    text = f"{to_wan(yuan):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万元"


def money_text(yuan) -> str:
    """Money in messages: 万元 as budgets are read, with exact yuan for cent-level limits."""
    amount = Decimal(yuan or 0)
    return f"{wan_display(amount)} 万元（{amount:,.2f} 元）"
