"""The review index, a review's page and the reviewing units' opinions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.http import attempt
from core.models import Role
from projects.workflow import STATE_BADGES

from .. import selectors, services
from ..forms import DecisionForm, OpinionForm, RoundForm
from ..models import (
    Meeting,
    Opinion,
    ReviewTask,
)
from ..permissions import can_give_opinion, can_manage_review
from ..similarity import similar_projects
from .access import office_jurisdiction, visible_review


@login_required
def index(request):
    user = request.user
    if not user.has_role(Role.OFFICE):
        return redirect("review:votes" if user.has_role(Role.COMMITTEE) else "review:mine")
    jurisdiction = office_jurisdiction(user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: services.round_create(
                jurisdiction=user.organisation.jurisdiction, by=user, **form.cleaned_data
            ),
            "已设立评审批次",
        ):
            return redirect("review:index")
    return render(
        request,
        "review/review_index.html",
        {
            "reviews": selectors.reviews_in_progress(jurisdiction_id=jurisdiction),
            "rounds": selectors.rounds_for(jurisdiction_id=jurisdiction),
            "meetings": Meeting.objects.filter(jurisdiction_id=jurisdiction)[:10],
            "form": form,
        },
    )


@login_required
def detail(request, pk):
    return _review_page(request, visible_review(request.user, pk))


def _opinion_form(task, opinion, refused):
    """The task's opinion form at the version shown; a refused one keeps what was typed."""
    if refused and refused[0] == task.pk:
        return refused[1]
    return OpinionForm(initial={"version": opinion.version if opinion else 0})


def _review_page(request, review, refused=None):
    user = request.user
    panel = selectors.panel_for(review)
    opinions = selectors.latest_opinions(review)
    tasks = []
    for t in review.tasks.select_related("organisation"):
        opinion, can_give = opinions.get(t.function), can_give_opinion(user, t)
        form = _opinion_form(t, opinion, refused) if can_give else None
        tasks.append((t, opinion, can_give, form))
    is_office = bool(can_manage_review(user, review.project.jurisdiction_id))
    items = selectors.items_for(review)
    return render(
        request,
        "review/review_detail.html",
        {
            "review": review,
            "project": review.project,
            "badge": STATE_BADGES[review.project.status],
            "tasks": tasks,
            "panel": panel,
            "panel_members": selectors.panel_members(panel, user) if panel else [],
            "panel_score": selectors.panel_score(panel) if panel and panel.closed_at else None,
            "similar": similar_projects(review.project),
            "items": items,
            "decision_form": DecisionForm(),
            "default_amount": selectors.default_approved_amount(review),
            "is_office": is_office,
            "open_meetings": Meeting.objects.filter(
                jurisdiction_id=review.project.jurisdiction_id
            ).exclude(items__review=review)[:10]
            if is_office
            else [],
        },
    )


@login_required
@require_POST
def opinion(request, task_id):
    task = get_object_or_404(ReviewTask.objects.select_related("review"), pk=task_id)
    review = visible_review(request.user, task.review_id)
    form = OpinionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        signed = attempt(
            request,
            lambda: services.opinion_sign(
                task=task,
                version=data["version"],
                conclusion=data["conclusion"],
                text=data["text"],
                recommended_amount=data["recommended_amount"]
                if request.POST.get("recommended_amount")
                else None,
                attachment=data["attachment"],
                correction_reason=data["correction_reason"],
                by=request.user,
            ),
            "意见已签署",
        )
        if signed:
            return redirect("review:detail", pk=review.pk)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return _review_page(request, review, refused=(task.pk, form))


@login_required
def opinion_attachment(request, opinion_id):
    opinion = get_object_or_404(Opinion.objects.select_related("task"), pk=opinion_id)
    visible_review(request.user, opinion.task.review_id)
    if not opinion.attachment:
        raise Http404
    try:
        handle = opinion.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(
        handle, as_attachment=True, filename=opinion.attachment.name.rsplit("/")[-1]
    )
