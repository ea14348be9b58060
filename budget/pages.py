"""What a project's funding page shows to one reader: the record and the buttons the
transition table and the ``permissions`` predicates allow (templates never decide)."""

from django.utils import timezone

from . import selectors
from .forms import AllocationForm, ContractForm, DisbursementForm
from .models import Disbursement
from .permissions import can_record_contract, can_request_disbursement
from .services import SPENDING_STATES
from .workflow import STATE_BADGES


def _may_fire(user, project, action) -> bool:
    """The project's transition table: source state and permission predicate."""
    return any(t.name == action for t in project.get_available_user_status_transitions(user))


def funding_page(project, user) -> dict:
    funding = selectors.project_funding(project=project, user=user)
    disbursements = list(funding["disbursements"])
    for d in disbursements:
        d.project = project
    spending = project.status in SPENDING_STATES
    return {
        "project": project,
        **funding,
        "disbursements": disbursements,
        "badges": STATE_BADGES,
        "can_list": _may_fire(user, project, "list_in_budget"),
        "can_contract": spending and can_record_contract(user, project),
        "can_start": _may_fire(user, project, "start_construction"),
        "can_request": spending and can_request_disbursement(user, Disbursement(project=project)),
        "allocation_form": AllocationForm(
            start_year=project.start_year or timezone.localdate().year
        ),
        "contract_form": ContractForm(),
        "disbursement_form": DisbursementForm(project=project),
    }
