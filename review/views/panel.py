"""The expert panel: drawing, replacing, closing, and the expert's own tasks and scores."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import clean_text
from core.http import attempt
from core.paging import page_query, paginate

from .. import selectors, services
from ..forms import score_form
from ..models import Occasion, PanelMember
from .access import own_seat, visible_review


def _back(review):
    """The page a panel action returns to: the post-evaluation's page or the review's."""
    if review.occasion == Occasion.POST_EVALUATION:
        return redirect("review:evaluation", pk=review.evaluation.pk)
    return redirect("review:detail", pk=review.pk)


@login_required
@require_POST
def panel_draw(request, pk):
    review = visible_review(request.user, pk)
    raw = request.POST.get("size") or "5"
    size = int(raw) if raw.isdigit() and 1 <= int(raw) <= 15 else None
    if size is None:
        messages.error(request, "专家组人数须为1至15之间的整数")
        return _back(review)
    attempt(
        request,
        lambda: services.panel_draw(review=review, size=size, by=request.user),
        "已随机抽取专家组",
    )
    return _back(review)


@login_required
@require_POST
def panel_replace(request, member_id):
    member = get_object_or_404(PanelMember.objects.select_related("panel"), pk=member_id)
    review = visible_review(request.user, member.panel.review_id)
    attempt(
        request,
        lambda: services.panel_replace(
            member=member,
            reason=clean_text(request.POST.get("reason"), label="替换理由"),
            by=request.user,
        ),
        "已替换专家",
    )
    return _back(review)


@login_required
@require_POST
def panel_close(request, pk):
    review = visible_review(request.user, pk)
    panel = selectors.panel_for(review)
    if panel is None:
        raise Http404
    attempt(request, lambda: services.panel_close(panel=panel, by=request.user), "专家评审已结束")
    return _back(review)


SEAT_PAGE = "seat_page"


@login_required
def mine(request):
    """A reviewing unit's opinions to give and an expert's projects to score."""
    user = request.user
    seats = paginate(request, selectors.my_panel_seats(user), param=SEAT_PAGE)
    criteria = {}  # one query per (jurisdiction, occasion) on the page, not per seat
    forms = []
    for seat in seats:
        key = (seat.panel.review.project.jurisdiction_id, seat.panel.review.occasion)
        if key not in criteria:
            criteria[key] = selectors.criteria_for(jurisdiction_id=key[0], occasion=key[1])
        forms.append((seat, score_form(criteria[key])(prefix=f"s{seat.pk}")))
    return render(
        request,
        "review/review_mine.html",
        {
            "tasks": paginate(request, selectors.my_opinion_tasks(user)),
            "task_query": page_query(request),
            "seat_page": seats,
            "seat_query": page_query(request, SEAT_PAGE),
            "seats": forms,
        },
    )


@login_required
@require_POST
def score(request, member_id):
    member = own_seat(request.user, member_id)
    project = member.panel.review.project
    criteria = selectors.criteria_for(
        jurisdiction_id=project.jurisdiction_id, occasion=member.panel.review.occasion
    )
    form = score_form(criteria)(request.POST, prefix=f"s{member.pk}")
    if not form.is_valid():
        messages.error(request, "评分有误：每项须为0到100之间的数字")
        return redirect("review:mine")
    values = {code: form.cleaned_data[code] for code, _, _ in criteria}
    attempt(
        request,
        lambda: services.score_submit(
            member=member, values=values, comment=form.cleaned_data["comment"], by=request.user
        ),
        f"已提交评分：{project.name}",
    )
    return redirect("review:mine")
