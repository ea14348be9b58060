"""Review documents (report, approval notice, minutes as PDF) and the cycle-time page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

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


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


@login_required
def report_pdf(request, pk):
    review = visible_review(request.user, pk)
    return _pdf(documents.review_report(review, request.user), f"review-report-{review.pk}.pdf")


@login_required
def notice_pdf(request, pk):
    review = visible_review(request.user, pk)
    if review.decision != "approve":
        raise Http404("未批复的项目没有批复文件")
    return _pdf(documents.approval_notice(review), f"approval-notice-{review.pk}.pdf")


@login_required
def minutes_pdf(request, pk):
    meeting = readable_meeting(request.user, pk)
    return _pdf(documents.meeting_minutes(meeting), f"meeting-minutes-{meeting.pk}.pdf")
