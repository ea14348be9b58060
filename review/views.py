from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.forms import clean_text
from core.http import attempt
from core.models import Role
from core.permissions import WorkflowError
from projects.models import Project
from projects.workflow import STATE_BADGES

from . import documents, selectors, services
from .forms import DecisionForm, MeetingForm, OpinionForm, RoundForm, score_form
from .models import (
    AgendaItem,
    Meeting,
    MeetingMember,
    Opinion,
    PanelMember,
    Review,
    ReviewTask,
)
from .permissions import can_give_opinion, can_manage_review, can_score
from .similarity import similar_projects


def _visible_review(user, pk) -> Review:
    """A review whose project the user may see (SPEC §2: 404 otherwise)."""
    visible = Project.objects.visible_to(user).values("pk")
    return get_object_or_404(
        Review.objects.select_related("project__department", "round", "project__jurisdiction"),
        pk=pk,
        project__in=visible,
    )


def _office(user):
    if not can_manage_review(user, user.jurisdiction_id):
        raise PermissionDenied
    return user.jurisdiction_id


@login_required
def index(request):
    user = request.user
    if not user.has_role(Role.OFFICE):
        return redirect("review:votes" if user.has_role(Role.COMMITTEE) else "review:mine")
    jurisdiction = _office(user)
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
    review = _visible_review(request.user, pk)
    user = request.user
    panel = selectors.panel_for(review)
    opinions = selectors.latest_opinions(review)
    tasks = [
        (t, opinions.get(t.function), can_give_opinion(user, t))
        for t in review.tasks.select_related("organisation")
    ]
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
            "opinion_form": OpinionForm(),
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
    review = _visible_review(request.user, task.review_id)
    form = OpinionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.opinion_sign(
                task=task,
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
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("review:detail", pk=review.pk)


@login_required
def opinion_attachment(request, opinion_id):
    opinion = get_object_or_404(Opinion.objects.select_related("task"), pk=opinion_id)
    _visible_review(request.user, opinion.task.review_id)
    if not opinion.attachment:
        raise Http404
    try:
        handle = opinion.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(
        handle, as_attachment=True, filename=opinion.attachment.name.rsplit("/")[-1]
    )


@login_required
@require_POST
def panel_draw(request, pk):
    review = _visible_review(request.user, pk)
    raw = request.POST.get("size") or "5"
    size = int(raw) if raw.isdigit() and 1 <= int(raw) <= 15 else None
    if size is None:
        messages.error(request, "专家组人数须为1至15之间的整数")
        return redirect("review:detail", pk=pk)
    attempt(
        request,
        lambda: services.panel_draw(review=review, size=size, by=request.user),
        "已随机抽取专家组",
    )
    return redirect("review:detail", pk=pk)


@login_required
@require_POST
def panel_replace(request, member_id):
    member = get_object_or_404(PanelMember.objects.select_related("panel"), pk=member_id)
    review = _visible_review(request.user, member.panel.review_id)
    attempt(
        request,
        lambda: services.panel_replace(
            member=member,
            reason=clean_text(request.POST.get("reason"), label="替换理由"),
            by=request.user,
        ),
        "已替换专家",
    )
    return redirect("review:detail", pk=review.pk)


@login_required
@require_POST
def panel_close(request, pk):
    review = _visible_review(request.user, pk)
    panel = selectors.panel_for(review)
    if panel is None:
        raise Http404
    attempt(request, lambda: services.panel_close(panel=panel, by=request.user), "专家评审已结束")
    return redirect("review:detail", pk=pk)


@login_required
def mine(request):
    """A reviewing unit's opinions to give and an expert's projects to score."""
    user = request.user
    seats = list(selectors.my_panel_seats(user))
    forms = []
    for seat in seats:
        project = seat.panel.review.project
        criteria = selectors.criteria_for(
            jurisdiction_id=project.jurisdiction_id, occasion=seat.panel.review.occasion
        )
        forms.append((seat, score_form(criteria)(prefix=f"s{seat.pk}")))
    return render(
        request,
        "review/review_mine.html",
        {"tasks": selectors.my_opinion_tasks(user), "seats": forms},
    )


@login_required
@require_POST
def score(request, member_id):
    member = get_object_or_404(
        PanelMember.objects.select_related("panel__review__project", "expert"), pk=member_id
    )
    if not can_score(request.user, member) and member.expert.user_id != request.user.pk:
        raise Http404
    project = member.panel.review.project
    criteria = selectors.criteria_for(
        jurisdiction_id=project.jurisdiction_id, occasion=member.panel.review.occasion
    )
    form = score_form(criteria)(request.POST, prefix=f"s{member.pk}")
    if form.is_valid():
        values = {code: form.cleaned_data[code] for code, _, _ in criteria}
        attempt(
            request,
            lambda: services.score_submit(
                member=member,
                values=values,
                comment=form.cleaned_data["comment"],
                by=request.user,
            ),
            f"已提交评分：{project.name}",
        )
    else:
        messages.error(request, "评分有误：每项须为0到100之间的数字")
    return redirect("review:mine")


@login_required
def votes(request):
    items = list(selectors.my_vote_items(request.user))
    mine = selectors.my_votes(request.user, items)
    return render(
        request,
        "review/vote_list.html",
        {"rows": [(item, mine.get(item.pk)) for item in items]},
    )


@login_required
@require_POST
def vote(request, item_id):
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__members__user=request.user).select_related(
            "meeting", "review__project__department"
        ),
        pk=item_id,
    )
    error = None
    try:
        services.vote_cast(
            item=item,
            member=request.user,
            choice=request.POST.get("choice", ""),
            conditions=clean_text(request.POST.get("conditions"), label="附加条件"),
            by=request.user,
        )
    except WorkflowError as exc:
        error = str(exc)
    mine = selectors.my_votes(request.user, [item])
    context = {"item": item, "vote": mine.get(item.pk), "error": error, "just_cast": not error}
    if request.headers.get("HX-Request"):
        return render(request, "review/partials/_vote_row.html", context)
    if error:
        messages.error(request, error)
    return redirect("review:votes")


@login_required
def meetings(request):
    jurisdiction = _office(request.user)
    form = MeetingForm(request.POST or None, jurisdiction_id=jurisdiction)
    if request.method == "POST" and form.is_valid():
        meeting = attempt(
            request,
            lambda: services.meeting_create(
                jurisdiction=request.user.organisation.jurisdiction,
                by=request.user,
                **form.cleaned_data,
            ),
            "已安排联审会议",
        )
        if meeting:
            return redirect("review:meeting", pk=meeting.pk)
    return render(
        request,
        "review/meeting_list.html",
        {"meetings": Meeting.objects.filter(jurisdiction_id=jurisdiction), "form": form},
    )


def _office_meeting(user, pk) -> Meeting:
    jurisdiction = _office(user)
    return get_object_or_404(Meeting, pk=pk, jurisdiction_id=jurisdiction)


@login_required
def meeting(request, pk):
    meeting = _office_meeting(request.user, pk)
    return render(
        request,
        "review/meeting_detail.html",
        {
            "meeting": meeting,
            "seats": meeting.members.select_related("user__organisation"),
            "items": selectors.meeting_items(meeting),
            "candidates": selectors.reviews_in_progress(
                jurisdiction_id=meeting.jurisdiction_id
            ).exclude(agenda_items__meeting=meeting),
        },
    )


@login_required
@require_POST
def attendance(request, pk, seat_id):
    meeting = _office_meeting(request.user, pk)
    seat = get_object_or_404(MeetingMember, pk=seat_id, meeting=meeting)
    attempt(
        request,
        lambda: services.attendance_set(
            meeting=meeting, user=seat.user, present=not seat.present, by=request.user
        ),
        "已登记出席情况",
    )
    return redirect("review:meeting", pk=pk)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _office_meeting(request.user, pk)
    review_id = request.POST.get("review", "")
    review = get_object_or_404(Review, pk=review_id if review_id.isdigit() else 0)
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
    meeting = _office_meeting(request.user, item.meeting_id)
    attempt(request, lambda: services.item_close(item=item, by=request.user), "已结束表决")
    return redirect("review:meeting", pk=meeting.pk)


@login_required
@require_POST
def decide(request, item_id):
    item = get_object_or_404(AgendaItem.objects.select_related("review__project"), pk=item_id)
    _office_meeting(request.user, item.meeting_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择决定")
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


@login_required
def cycle_time(request):
    jurisdiction = _office(request.user)
    return render(
        request,
        "review/cycle_time.html",
        {
            "steps": selectors.cycle_steps(jurisdiction_id=jurisdiction, finished=True),
            "waiting": selectors.cycle_steps(jurisdiction_id=jurisdiction, finished=False),
            "units": selectors.cycle_by_unit(jurisdiction_id=jurisdiction),
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


@login_required
def report_pdf(request, pk):
    review = _visible_review(request.user, pk)
    return _pdf(documents.review_report(review), f"review-report-{review.pk}.pdf")


@login_required
def notice_pdf(request, pk):
    review = _visible_review(request.user, pk)
    if review.decision != "approve":
        raise Http404("未批复的项目没有批复文件")
    return _pdf(documents.approval_notice(review), f"approval-notice-{review.pk}.pdf")


@login_required
def minutes_pdf(request, pk):
    meeting = _office_meeting(request.user, pk)
    return _pdf(documents.meeting_minutes(meeting), f"meeting-minutes-{meeting.pk}.pdf")
