"""Review documents (report, approval notice, minutes as PDF) and the cycle-time page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from core.http import attachment_disposition

from .. import cycle, documents
from .access import readable_meeting, reader_jurisdiction, visible_review


@login_required
def cycle_time(request):
    user = request.user
    scope = {"user": user, "jurisdiction_id": reader_jurisdiction(user)}
    return render(
        request,
        "review/cycle_time.html",
        {
            "steps": cycle.cycle_steps(**scope, finished=True),
            "waiting": cycle.cycle_steps(**scope, finished=False),
            "units": cycle.cycle_by_unit(**scope),
        },
    )


def _pdf(document: documents.Document) -> HttpResponse:
    """The PDF, named in Chinese with its 文号 (RFC 5987 ``filename*``)."""
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(document.filename, inline=True)
    return response


@login_required
def report_pdf(request, pk):
    review = visible_review(request.user, pk)
    return _pdf(documents.review_report(review, request.user))


@login_required
def notice_pdf(request, pk):
    review = visible_review(request.user, pk)
    if review.decision != "approve":
        raise Http404("未批复的项目没有批复文件")
    return _pdf(documents.approval_notice(review))


@login_required
def minutes_pdf(request, pk):
    meeting = readable_meeting(request.user, pk)
    return _pdf(documents.meeting_minutes(meeting))
