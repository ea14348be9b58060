"""Funding's date order (issue 9: a calendar that can happen): no contract before the
project's approval or in the future (未批先建), no payment before its contract."""

from django.utils import timezone

from projects.workflow import approved_on


def contract_date_refusal(project, signed_on) -> str | None:
    """A contract is dated on or after the project's approval and not after today."""
    today = timezone.localdate()
    if signed_on > today:
        return f"日期顺序：合同签订日期（{signed_on:%Y-%m-%d}）不能晚于今天（{today:%Y-%m-%d}）"
    approved = approved_on(project)
    if approved and signed_on < approved:
        return (
            f"日期顺序：合同签订日期（{signed_on:%Y-%m-%d}）不能早于项目批复日期"
            f"（{approved:%Y-%m-%d}），未批先建的合同不予登记"
        )
    return None


def payment_date_refusal(disbursement, paid_on) -> str | None:
    """A payment is dated on or after the signing of the contract it pays."""
    signed_on = disbursement.milestone.contract.signed_on
    if paid_on < signed_on:
        return (
            f"日期顺序：支付日期（{paid_on:%Y-%m-%d}）不能早于合同签订日期（{signed_on:%Y-%m-%d}）"
        )
    return None
