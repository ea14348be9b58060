"""验收意见 as a Chinese A4 PDF from the record, in the 公文 style of the review documents."""

from django.utils import timezone

from review import selectors as review_selectors
from review.documents import Document, _number, _pdf, issuing_body, project_title
from review.models import Panel


def acceptance_opinion(round_) -> Document:
    """Numbered (e.g. 潭验收〔2026〕1号) once the round is decided."""
    review = round_.review
    project = round_.project
    panel = Panel.objects.filter(review=review).first()
    opinions = review_selectors.latest_opinions(review)
    decided = round_.decided_at is not None
    year = timezone.localdate(round_.decided_at).year if decided else None
    number = _number("acceptance_opinion", project.jurisdiction, year, round_, decided)
    title = f"关于{project_title(project.name)}竣工验收的意见"
    content = _pdf(
        "acceptance/pdf/acceptance_opinion.html",
        {
            "round": round_,
            "project": project,
            "number": number,
            "title": title,
            "issuer": issuing_body(project.jurisdiction),
            "initials": project.initial_acceptances.all(),
            "tasks": [(t, opinions.get(t.function)) for t in review.tasks.all()],
            "panel_score": review_selectors.panel_score(panel)
            if panel and panel.closed_at
            else None,
            "seats": panel.members.filter(replaced_at__isnull=True).count() if panel else 0,
            "findings": round_.items.order_by("pk"),
        },
    )
    return Document(content, number, title)
