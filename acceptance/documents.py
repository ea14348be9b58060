"""验收意见 as a Chinese A4 PDF from the record, in the style of the review documents."""

from review import selectors as review_selectors
from review.documents import _pdf
from review.models import Panel


def document_number(round_) -> str:
    """e.g. XT验收〔2026〕0003号 (prefix, decision year, round record number)."""
    return f"XT验收〔{round_.decided_at.year}〕{round_.pk:04d}号"


def acceptance_opinion(round_) -> bytes:
    review = round_.review
    panel = Panel.objects.filter(review=review).first()
    opinions = review_selectors.latest_opinions(review)
    return _pdf(
        "acceptance/pdf/acceptance_opinion.html",
        {
            "round": round_,
            "project": round_.project,
            "number": document_number(round_),
            "initials": round_.project.initial_acceptances.all(),
            "tasks": [(t, opinions.get(t.function)) for t in review.tasks.all()],
            "panel_score": review_selectors.panel_score(panel)
            if panel and panel.closed_at
            else None,
            "seats": panel.members.filter(replaced_at__isnull=True).count() if panel else 0,
            "findings": round_.items.order_by("pk"),
        },
    )
