"""Everything that moves money: funds, budget lines, contracts and disbursements (SPEC §6).

Every movement writes an audit event in the same transaction. R10 (disbursements never
exceed the budget line, the contract, the milestone or the approved amount; the final
milestone needs acceptance) is enforced at approval under row locks.
"""

from ..rules import SPENDING_STATES
from .contracts import contract_record, project_start_construction
from .disbursements import (
    ACTION_SERVICES,
    disbursement_approve,
    disbursement_create,
    disbursement_pay,
    disbursement_reject,
    disbursement_return,
    disbursement_submit,
    disbursement_update,
    disbursement_verify,
)
from .funds import budget_line_add, fund_set, list_in_budget
from .om import om_apply, om_deny, om_grant, om_round_create, om_submit, om_withdraw
from .termination import disbursement_close

__all__ = [
    "ACTION_SERVICES",
    "SPENDING_STATES",
    "budget_line_add",
    "contract_record",
    "disbursement_approve",
    "disbursement_close",
    "disbursement_create",
    "disbursement_pay",
    "disbursement_reject",
    "disbursement_return",
    "disbursement_submit",
    "disbursement_update",
    "disbursement_verify",
    "fund_set",
    "list_in_budget",
    "om_apply",
    "om_deny",
    "om_grant",
    "om_round_create",
    "om_submit",
    "om_withdraw",
    "project_start_construction",
]
