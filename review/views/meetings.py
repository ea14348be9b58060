"""Joint-review meetings: agenda, attendance, the member's votes, closing and deciding items."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.forms import clean_text
from core.http import attempt, form_errors, outcome
from core.paging import page_query, paginate

from .. import pages, selectors, services
from ..forms import DecisionForm, MeetingForm
from ..models import AgendaItem, Meeting, MeetingMember
from ..permissions import can_manage_review
from .access import (
    office_meeting,
    readable_meeting,
    reader_jurisdiction,
    seated_item,
    visible_review,
)

VOTE_ORDER = ("meeting__held_on", "order", "pk")


@login_required
def votes(request):
    page = paginate(request, selectors.my_vote_items(request.user).order_by(*VOTE_ORDER))
    mine = selectors.my_votes(request.user, page.object_list)
    return render(
        request,
        "review/vote_list.html",
        {
            "rows": [(item, mine.get(item.pk)) for item in page],
            "page": page,
            "query": page_query(request),
        },
    )


@login_required
@require_POST
def vote(request, item_id):
    item = seated_item(request.user, item_id)
    _, error = outcome(
        lambda: services.vote_cast(
            item=item,
            member=request.user,
            choice=request.POST.get("choice", ""),
            conditions=clean_text(request.POST.get("conditions"), label="附加条件"),
            by=request.user,
        )
    )
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect("review:votes")
    mine = selectors.my_votes(request.user, [item])
    context = {"item": item, "vote": mine.get(item.pk), "error": error, "just_cast": not error}
    return render(request, "review/partials/_vote_row.html", context)


@login_required
def meetings(request):
    user = request.user
    jurisdiction = reader_jurisdiction(user)
    manage = can_manage_review(user, jurisdiction)
    form = MeetingForm(request.POST or None, jurisdiction_id=jurisdiction) if manage else None
    if request.method == "POST" and not manage:
        raise PermissionDenied("只有牵头部门可以安排联审会议")
    if form is not None and request.method == "POST" and form.is_valid():
        meeting = attempt(
            request,
            lambda: services.meeting_create(
                jurisdiction=user.organisation.jurisdiction, by=user, **form.cleaned_data
            ),
            "已安排联审会议",
        )
        if meeting:
            return redirect("review:meeting", pk=meeting.pk)
    meetings = paginate(
        request, Meeting.objects.filter(jurisdiction_id=jurisdiction).order_by("-held_on", "-pk")
    )
    return render(
        request,
        "review/meeting_list.html",
        {"page": meetings, "query": page_query(request), "form": form},
    )


@login_required
def meeting(request, pk):
    meeting = readable_meeting(request.user, pk)
    return render(request, "review/meeting_detail.html", pages.meeting_page(meeting, request.user))


@login_required
@require_POST
def attendance(request, pk, seat_id):
    meeting = office_meeting(request.user, pk)
    seat = get_object_or_404(MeetingMember, pk=seat_id, meeting=meeting)
    # The button posts the state it sets, so a double click cannot flip it back.
    present = request.POST.get("present")
    if present not in ("0", "1"):
        raise Http404
    attempt(
        request,
        lambda: services.attendance_set(
            meeting=meeting, user=seat.user, present=present == "1", by=request.user
        ),
        "已登记出席情况",
    )
    return redirect("review:meeting", pk=pk)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = office_meeting(request.user, pk)
    review_id = request.POST.get("review", "")
    review = visible_review(request.user, review_id if review_id.isdigit() else 0)
    attempt(
        request,
        lambda: services.agenda_add(meeting=meeting, review=review, by=request.user),
        "已列入议程",
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = f"/review/meetings/{pk}/"
    return redirect(target)


@login_required
@require_POST
def item_close(request, item_id):
    item = get_object_or_404(AgendaItem, pk=item_id)
    meeting = office_meeting(request.user, item.meeting_id)
    attempt(request, lambda: services.item_close(item=item, by=request.user), "已结束表决")
    return redirect("review:meeting", pk=meeting.pk)


@login_required
@require_POST
def decide(request, item_id):
    item = get_object_or_404(AgendaItem.objects.select_related("review__project"), pk=item_id)
    office_meeting(request.user, item.meeting_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form, "请选择决定"))
        return redirect("review:detail", pk=item.review_id)
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.review_decide(
            item=item,
            decision=data["decision"],
            amount=data["amount"] if request.POST.get("amount") else None,
            override_reason=data["override_reason"],
            comment=data["comment"],
            by=request.user,
        ),
        "已记录联审决定",
    )
    return redirect("review:detail", pk=item.review_id)
