"""文号 for generated documents: 潭审批复〔2026〕1号 (abbreviation, kind, year, number).

The abbreviation is the jurisdiction's ``doc_abbreviation`` (Chinese only), the number has no
zero padding, and each (jurisdiction, kind, year) runs 1, 2, 3 … without gaps or duplicates:
``issue`` locks the sequence row, takes the next number and records it in the caller's
transaction, so a rolled-back document gives its number back and two writers never share one.
A document keeps the number it was first issued.
"""

from django.db import transaction

from .models import DocumentNumber, DocumentSequence
from .permissions import WorkflowError

# Kind of document -> the characters after the jurisdiction's abbreviation.
KINDS = {
    "review_report": "审评",
    "meeting_minutes": "联审纪",
    "approval_notice": "审批复",
    "acceptance_opinion": "验收",
    "evaluation_report": "后评",
}
MISSING_ABBREVIATION = "行政区划未配置发文字号简称，无法编号"


def format_number(abbreviation: str, kind: str, year: int, seq: int) -> str:
    return f"{abbreviation}{KINDS[kind]}〔{year}〕{seq}号"


def issued(kind: str, subject) -> DocumentNumber | None:
    return DocumentNumber.objects.filter(
        kind=kind, subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).first()


def issue(*, jurisdiction, kind: str, year: int, subject) -> DocumentNumber:
    """The number of ``subject``'s document of ``kind``, allocating the next one on first use."""
    subject_type = subject._meta.label_lower
    with transaction.atomic():
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(jurisdiction=jurisdiction, kind=kind, year=year)],
            ignore_conflicts=True,
        )
        sequence = DocumentSequence.objects.select_for_update().get(
            jurisdiction=jurisdiction, kind=kind, year=year
        )
        existing = issued(kind, subject)
        if existing is not None:
            return existing
        if not jurisdiction.doc_abbreviation:
            raise WorkflowError(MISSING_ABBREVIATION)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return DocumentNumber.objects.create(
            jurisdiction=jurisdiction,
            kind=kind,
            year=year,
            seq=sequence.last,
            text=format_number(jurisdiction.doc_abbreviation, kind, year, sequence.last),
            subject_type=subject_type,
            subject_id=subject.pk,
        )
