"""O&M funding pages: the rounds and applications, one application with its R9 results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.http import attempt, form_errors
from core.models import Jurisdiction
from core.money import to_wan

from . import om_selectors as selectors
from . import services
from .forms import OmActionForm, OmApplyForm, OmRoundForm
from .om_rules import r9_results
from .om_workflow import OM_BADGES, available_actions
from .permissions import can_manage_fund
from .services.om import ACTION_SERVICES


@login_required
def rounds(request):
    user = request.user
    return render(
        request,
        "budget/om_rounds.html",
        {
            "rounds": selectors.rounds_for(user),
            "applications": selectors.applications_for(user, request.GET.get("status", ""))[
                : selectors.LIST_SIZE
            ],
            "eligible": selectors.eligible_projects(user),
            "open_round": selectors.open_round(user),
            "can_manage": can_manage_fund(user, user.jurisdiction_id),
            "badges": OM_BADGES,
            "round_form": OmRoundForm(),
        },
    )


@login_required
@require_POST
def round_create(request):
    form = OmRoundForm(request.POST)
    jurisdiction = Jurisdiction.objects.filter(pk=request.user.jurisdiction_id).first()
    if jurisdiction is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: services.om_round_create(
                jurisdiction=jurisdiction, by=request.user, **form.cleaned_data
            ),
            "已设立运维经费批次",
        )
    return redirect("budget:om_rounds")


@login_required
@require_POST
def apply(request, round_id):
    round_ = get_object_or_404(selectors.visible_rounds(request.user), pk=round_id)
    form = OmApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("budget:om_rounds")
    project = get_object_or_404(
        selectors.eligible_projects(request.user), pk=form.cleaned_data["project"]
    )
    done = attempt(
        request,
        lambda: services.om_apply(
            round=round_,
            project=project,
            amount=form.cleaned_data["amount"],
            purpose=form.cleaned_data["purpose"],
            by=request.user,
        ),
        "已保存运维经费申请，请核对后提交",
    )
    if done:
        return redirect("budget:om_application", pk=done.pk)
    return redirect("budget:om_rounds")


@login_required
def application(request, pk):
    a = selectors.application_for_page(user=request.user, pk=pk)
    return render(
        request,
        "budget/om_application.html",
        {
            "a": a,
            "badge": OM_BADGES[a.status],
            "actions": available_actions(request.user, a),
            "r9": r9_results(a.project) if a.status in ("draft", "submitted") else None,
            "grant_default": to_wan(a.amount),
            "denial": a.last_reason.split("；") if a.status == "denied" else [],
        },
    )


@login_required
@require_POST
def application_action(request, pk, name):
    a = selectors.application_for_page(user=request.user, pk=pk)
    service = ACTION_SERVICES.get(name)
    if service is None:
        raise Http404
    form = OmActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("budget:om_application", pk=pk)
    attempt(
        request,
        lambda: service(a, request.user, form.cleaned_data),
        lambda done: f"运维经费申请：{done.get_status_display()}",
    )
    return redirect("budget:om_application", pk=pk)
