"""Documents generated from the record (SPEC §4): 评审报告, 会议纪要, 批复 — A4 PDF."""

from django.template.loader import render_to_string
from django.utils import timezone

from . import evaluation as ev
from . import selectors
from .permissions import can_see_reviewer_identities


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"today": timezone.localdate(), **context})
    return HTML(string=html).write_pdf()


def document_number(kind: str, obj, year=None) -> str:
    """e.g. 湘审评〔2026〕0007号: prefix per kind, year, record number."""
    prefix = {"report": "审评", "minutes": "联审纪", "notice": "审批复", "evaluation": "后评"}[kind]
    return f"XT{prefix}〔{year or timezone.localdate().year}〕{obj.pk:04d}号"


def review_report(review, user) -> bytes:
    """The report as ``user`` may read it: expert names, employers and individual scores only
    for those who may see reviewer identities (``can_see_reviewer_identities``)."""
    panel = selectors.panel_for(review)
    opinions = selectors.latest_opinions(review)
    return _pdf(
        "review/pdf/review_report.html",
        {
            "review": review,
            "project": review.project,
            "number": document_number("report", review),
            "tasks": [(t, opinions.get(t.function)) for t in review.tasks.all()],
            "panel": panel,
            "members": selectors.panel_members(panel, user) if panel else [],
            "identities": can_see_reviewer_identities(user, review.project),
            "seats": panel.members.filter(replaced_at__isnull=True).count() if panel else 0,
            "items": selectors.items_for(review),
        },
    )


def meeting_minutes(meeting) -> bytes:
    return _pdf(
        "review/pdf/meeting_minutes.html",
        {
            "meeting": meeting,
            "number": document_number("minutes", meeting, meeting.held_on.year),
            "seats": meeting.members.select_related("user__organisation"),
            "items": selectors.meeting_items(meeting),
        },
    )


def approval_notice(review) -> bytes:
    return _pdf(
        "review/pdf/approval_notice.html",
        {
            "review": review,
            "project": review.project,
            "number": document_number("notice", review),
            "fiscal": selectors.fiscal_recommendation(review),
        },
    )


def evaluation_report(item, user) -> bytes:
    """后评价报告: the facts (acceptance, window, investment and its use, data sharing), the
    criteria and the panel's score, the grade and the office's conclusion."""
    review = item.review
    panel = selectors.panel_for(review)
    flag, facts = ev.evaluation_state(item.project)
    return _pdf(
        "review/pdf/evaluation_report.html",
        {
            "item": item,
            "project": item.project,
            "review": review,
            "number": document_number("evaluation", item),
            "facts": facts,
            "flag_label": ev.Due.LABELS[flag],
            "record_facts": ev.record_facts(item.project),
            "criteria": selectors.criteria_for(
                jurisdiction_id=item.project.jurisdiction_id, occasion=review.occasion
            ),
            "panel": panel,
            "members": selectors.panel_members(panel, user) if panel else [],
            "identities": can_see_reviewer_identities(user, item.project),
            "bands": ev.GRADE_BANDS,
        },
    )
