"""Post-evaluation pages: the list (due and overdue flags), one evaluation, the report PDF."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import clean_text
from core.http import attempt
from projects.models import Project

from .. import documents, selectors, services
from .. import evaluation as ev
from ..models import Grade
from ..permissions import can_manage_review, can_see_reviewer_identities
from .reports import _pdf

PAGE_SIZE = 30


@login_required
def evaluations(request):
    flag = request.GET.get("flag", "")
    rows = ev.evaluation_rows(user=request.user, flag=flag)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.due_from, row.last_day = ev.due_dates(row.accepted_at)
        row.flag_label, row.flag_badge = ev.Due.LABELS[row.due_flag], ev.Due.BADGES[row.due_flag]
        row.grade_label = Grade(row.evaluation_grade).label if row.evaluation_grade else ""
    return render(
        request,
        "review/evaluation_list.html",
        {
            "page": page,
            "flag": flag if flag in ev.Due.LABELS or flag in ev.TODO_FILTERS else "",
            "flags": ev.Due.LABELS,
            "query": f"flag={flag}" if flag else "",
            "can_start": bool(can_manage_review(request.user, request.user.jurisdiction_id)),
            "bands": ev.GRADE_BANDS,
        },
    )


@login_required
@require_POST
def evaluation_start(request, project_id):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    found = attempt(
        request,
        lambda: services.evaluation_start(
            project=project,
            by=request.user,
            comment=clean_text(request.POST.get("comment"), label="说明"),
        ),
        "已启动后评价，请抽取专家组",
    )
    if found:
        return redirect("review:evaluation", pk=found.pk)
    return redirect("review:evaluations")


@login_required
def evaluation(request, pk):
    item = ev.evaluation_for_page(user=request.user, pk=pk)
    review, user = item.review, request.user
    panel = selectors.panel_for(review)
    flag, facts = ev.evaluation_state(item.project)
    manage = bool(can_manage_review(user, item.project.jurisdiction_id))
    return render(
        request,
        "review/evaluation_detail.html",
        {
            "item": item,
            "project": item.project,
            "review": review,
            "panel": panel,
            "members": selectors.panel_members(panel, user) if panel else [],
            "identities": can_see_reviewer_identities(user, item.project),
            "criteria": selectors.criteria_for(
                jurisdiction_id=item.project.jurisdiction_id, occasion=review.occasion
            ),
            "flag": flag,
            "flag_label": ev.Due.LABELS[flag],
            "flag_badge": ev.Due.BADGES[flag],
            "facts": facts,
            "record_facts": ev.record_facts(item.project),
            "manage": manage and item.completed_at is None,
            "bands": ev.GRADE_BANDS,
        },
    )


@login_required
@require_POST
def evaluation_complete(request, pk):
    item = ev.evaluation_for_page(user=request.user, pk=pk)

    def complete():
        conclusion = clean_text(request.POST.get("conclusion"), label="评价结论与建议")
        return services.evaluation_complete(evaluation=item, by=request.user, conclusion=conclusion)

    attempt(
        request, complete, lambda done: f"后评价已完成：{done.score} 分，{done.get_grade_display()}"
    )
    return redirect("review:evaluation", pk=pk)


@login_required
def evaluation_pdf(request, pk):
    item = ev.evaluation_for_page(user=request.user, pk=pk)
    return _pdf(documents.evaluation_report(item, request.user))
