"""Everything that changes acceptance records, by topic: 初验 and the R8 checklist, the rounds
of final acceptance and their decision, the audit list, and the rectification register."""

from .audit import audit_entry_update
from .checklist import document_add, initial_acceptance_record, sharing_set
from .register import item_close, item_create, item_respond, item_send_back
from .rounds import acceptance_decide, acceptance_request

__all__ = [
    "acceptance_decide",
    "acceptance_request",
    "audit_entry_update",
    "document_add",
    "initial_acceptance_record",
    "item_close",
    "item_create",
    "item_respond",
    "item_send_back",
    "sharing_set",
]
