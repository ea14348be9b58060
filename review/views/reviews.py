"""The review index, a review's page and the reviewing units' opinions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.http import attempt, form_errors
from core.models import Role
from core.paging import page_query, paginate
from projects.workflow import STATE_BADGES

from .. import pages, selectors, services
from ..forms import DecisionForm, OpinionForm, RoundForm
from ..models import Meeting, Opinion, ReviewTask
from .access import office_jurisdiction, visible_review


@login_required
def index(request):
    user = request.user
    if not user.has_role(Role.OFFICE):
        return redirect("review:votes" if user.has_role(Role.COMMITTEE) else "review:mine")
    jurisdiction = office_jurisdiction(user)
    form = RoundForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: services.round_create(
                jurisdiction=user.organisation.jurisdiction, by=user, **form.cleaned_data
            ),
            "已设立评审批次",
        )
    ):
        return redirect("review:index")
    todo = request.GET.get("todo", "")
    return render(
        request,
        "review/review_index.html",
        {
            "reviews": paginate(
                request, pages.reviews_in_progress(jurisdiction_id=jurisdiction, todo=todo)
            ),
            "query": page_query(request),
            "todo": todo if todo in pages.TODO_FILTERS else "",
            "todo_label": pages.TODO_LABELS.get(todo, ""),
            "rounds": selectors.rounds_for(jurisdiction_id=jurisdiction),
            "meetings": Meeting.objects.filter(jurisdiction_id=jurisdiction)[:10],
            "form": form,
        },
    )


@login_required
def detail(request, pk):
    return _review_page(request, visible_review(request.user, pk))


def _review_page(request, review, refused=None):
    """The page; ``refused`` is (task id, form) of an opinion refused, shown as typed."""
    context = pages.review_page(review, request.user)
    context["tasks"] = [
        (task, opinion, allowed, _opinion_form(task, opinion, refused) if allowed else None)
        for task, opinion, allowed in context["tasks"]
    ]
    context["badge"] = STATE_BADGES[review.project.status]
    context["decision_form"] = DecisionForm()
    return render(request, "review/review_detail.html", context)


def _opinion_form(task, opinion, refused):
    """The task's opinion form at the version shown; a refused one keeps what was typed."""
    if refused and refused[0] == task.pk:
        return refused[1]
    return OpinionForm(initial={"version": opinion.version if opinion else 0})


@login_required
@require_POST
def opinion(request, task_id):
    task = get_object_or_404(ReviewTask.objects.select_related("review"), pk=task_id)
    review = visible_review(request.user, task.review_id)
    form = OpinionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    elif attempt(request, lambda: _sign(task, form, request), "意见已签署"):
        return redirect("review:detail", pk=review.pk)
    return _review_page(request, review, refused=(task.pk, form))


def _sign(task, form, request):
    data = form.cleaned_data
    return services.opinion_sign(
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
    )


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
