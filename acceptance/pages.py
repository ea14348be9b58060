"""What the acceptance pages show to one reader: the record and the buttons the transition
tables and the ``permissions`` predicates allow (templates never decide)."""

from django.utils import timezone

from core.models import AuditEvent
from review import selectors as review_selectors
from review.models import Panel

from . import checklist
from .forms import (
    DecisionForm,
    DocumentForm,
    InitialAcceptanceForm,
    RequestForm,
    RespondForm,
    SharingForm,
)
from .models import ChecklistDocument, SharingRecord
from .permissions import can_prepare_acceptance, can_record_initial_acceptance
from .workflow import ITEM_BADGES, available_actions


def _may_fire(user, project, action) -> bool:
    return any(t.name == action for t in project.get_available_user_status_transitions(user))


def acceptance_page(project, user) -> dict:
    rounds = list(
        project.acceptance_rounds.select_related("review", "requested_by", "decided_by")
        .prefetch_related("items")
        .order_by("-number")
    )
    current = rounds[0] if rounds and not rounds[0].decision else None
    resources = list(project.data_resources.select_related("sharing_record"))
    documents = list(
        project.acceptance_documents.select_related("uploaded_by").order_by("kind", "-uploaded_at")
    )
    return {
        "project": project,
        "initials": project.initial_acceptances.select_related("recorded_by"),
        "lines": checklist.checklist(project, final_progress=100),
        "documents": [(d, checklist.valid_until(d)) for d in documents],
        "resources": resources,
        "rounds": rounds,
        "current": current,
        "current_review": _review_state(current) if current else None,
        "can_initial": can_record_initial_acceptance(user, project),
        "can_prepare": can_prepare_acceptance(user, project),
        "can_request": _may_fire(user, project, "request_acceptance"),
        "can_decide": current is not None and _may_fire(user, project, "accept"),
        "initial_form": InitialAcceptanceForm(initial={"held_on": timezone.localdate()}),
        "document_form": DocumentForm(initial={"level": project.protection_level}),
        "sharing_form": SharingForm(),
        "sharing_statuses": SharingRecord.Status.choices,
        "request_form": RequestForm(initial={"final_progress": 100}),
        "decision_form": DecisionForm(),
        "report_kinds": ChecklistDocument.REPORTS,
    }


def _review_state(round_) -> dict:
    review = round_.review
    panel = Panel.objects.filter(review=review).first()
    return {
        "missing": review_selectors.missing_opinions(review),
        "opinions": review_selectors.latest_opinions(review),
        "tasks": list(review.tasks.select_related("organisation")),
        "panel": panel,
        "panel_score": review_selectors.panel_score(panel) if panel and panel.closed_at else None,
    }


def item_page(item, user) -> dict:
    return {
        "item": item,
        "badges": ITEM_BADGES,
        "overdue": item.status != "closed" and item.deadline < timezone.localdate(),
        "actions": available_actions(user, item),
        "respond_form": RespondForm(initial={"version": item.version}),
        "timeline": AuditEvent.objects.filter(
            subject_type="rectificationitem", subject_id=item.pk
        ).order_by("-created_at", "-id"),
    }
