from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import attempt, form_errors
from core.models import Jurisdiction
from core.money import to_wan
from core.paging import page_query, paginate

from . import exports, selectors, services
from .forms import (
    ActionForm,
    AllocationForm,
    ContractForm,
    DisbursementEditForm,
    DisbursementForm,
    FundForm,
)
from .models import Disbursement
from .pages import funding_page
from .permissions import can_manage_fund, can_read_fund_pool, can_request_disbursement
from .workflow import EDITABLE_STATES, STATE_BADGES, State, available_actions

GROUPS = {"project": "按项目", "department": "按单位", "jurisdiction": "按辖区"}


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@login_required
def overview(request):
    user, year = request.user, _year(request)
    pool = can_read_fund_pool(user)
    rows = selectors.execution(user=user, year=year, group="jurisdiction")
    return render(
        request,
        "budget/fund_overview.html",
        {
            "year": year,
            "pool": pool,
            "funds": selectors.funds_overview(jurisdiction_id=user.jurisdiction_id, year=year)
            if pool
            else [],
            "released": selectors.released_lines(jurisdiction_id=user.jurisdiction_id)
            if pool
            else [],
            "awaiting": paginate(request, selectors.projects_awaiting_funding(user=user)),
            "query": page_query(request),
            "can_manage": can_manage_fund(user, user.jurisdiction_id),
            "fund_form": FundForm(initial={"year": year}),
            "totals": selectors.execution_totals(rows),
        },
    )


@login_required
@require_POST
def fund_save(request):
    form = FundForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("budget:overview")
    data = form.cleaned_data
    jurisdiction = Jurisdiction.objects.filter(pk=request.user.jurisdiction_id).first()
    if jurisdiction is None:
        raise Http404
    attempt(
        request,
        lambda: services.fund_set(
            jurisdiction=jurisdiction,
            year=data["year"],
            amount=data["amount"],
            name=data["name"],
            by=request.user,
        ),
        f"已保存{data['year']}年度专项资金",
    )
    return redirect(f"/budget/?year={data['year']}")


@login_required
def project_funding(request, pk):
    project = selectors.project_for_funding(user=request.user, pk=pk)
    return render(request, "budget/project_funding.html", funding_page(project, request.user))


@login_required
@require_POST
def project_list_in_budget(request, pk):
    project = selectors.project_for_funding(user=request.user, pk=pk)
    form = AllocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: services.list_in_budget(
                project=project, allocations=form.allocations(), by=request.user
            ),
            "已纳入预算",
        )
    return redirect("budget:project", pk=pk)


@login_required
@require_POST
def contract_create(request, pk):
    project = selectors.project_for_funding(user=request.user, pk=pk)
    form = ContractForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.contract_record(
                project=project,
                by=request.user,
                name=data["name"],
                vendor=data["vendor"],
                method=data["method"],
                amount=data["amount"],
                signed_on=data["signed_on"],
                milestones=form.milestones(),
            ),
            "已登记采购合同",
        )
    return redirect("budget:project", pk=pk)


@login_required
@require_POST
def project_start(request, pk):
    project = selectors.project_for_funding(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.project_start_construction(project=project, by=request.user),
        "项目已开工建设",
    )
    return redirect("budget:project", pk=pk)


@login_required
@require_POST
def disbursement_create(request, pk):
    project = selectors.project_for_funding(user=request.user, pk=pk)
    form = DisbursementForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("budget:project", pk=pk)
    d = attempt(
        request,
        lambda: services.disbursement_create(project=project, by=request.user, **form.cleaned_data),
        "已保存拨付申请草稿，确认无误后请提交",
    )
    return redirect("budget:disbursement", pk=d.pk) if d else redirect("budget:project", pk=pk)


LIST_NARROWING = ("jurisdiction", "department")


@login_required
def disbursements(request):
    status = [s for s in request.GET.getlist("status") if s in State.values]
    narrow = {k: int(v) for k in LIST_NARROWING if (v := request.GET.get(k, "")).isdigit()}
    rows = selectors.disbursement_list(user=request.user, status=status, **narrow)
    query = "&".join([*(f"status={s}" for s in status), *(f"{k}={v}" for k, v in narrow.items())])
    return render(
        request,
        "budget/disbursement_list.html",
        {
            "page": paginate(request, rows),
            "query": query,
            "status": status,
            "states": State.choices,
            "badges": STATE_BADGES,
        },
    )


@login_required
def disbursement_detail(request, pk):
    d = selectors.disbursement_for_detail(user=request.user, pk=pk)
    return _disbursement_page(request, d)


def _disbursement_page(request, d, edit_form=None):
    """The request's page; ``edit_form`` is the user's refused input, shown again as typed."""
    editable = d.status in EDITABLE_STATES and can_request_disbursement(request.user, d)
    if editable and edit_form is None:
        initial = {
            "milestone": d.milestone_id,
            "budget_line": d.budget_line_id,
            "amount": to_wan(d.amount),
            "purpose": d.purpose,
            "version": d.version,
        }
        edit_form = DisbursementEditForm(project=d.project, initial=initial)
    return render(
        request,
        "budget/disbursement_detail.html",
        {
            "d": d,
            "badge": STATE_BADGES[d.status],
            "actions": available_actions(request.user, d),
            "timeline": d.project.audit_events.filter(
                subject_type="disbursement", subject_id=d.pk
            ).order_by("-created_at", "-id"),
            "edit_form": edit_form if editable else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def disbursement_edit(request, pk):
    d = selectors.disbursement_for_detail(user=request.user, pk=pk)
    form = DisbursementEditForm(request.POST, project=d.project)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    elif attempt(
        request,
        lambda: services.disbursement_update(disbursement=d, by=request.user, **form.cleaned_data),
        "已修改拨付申请",
    ):
        return redirect("budget:disbursement", pk=pk)
    return _disbursement_page(request, d, edit_form=form)


@login_required
@require_POST
def disbursement_action(request, pk, name):
    d = selectors.disbursement_for_detail(user=request.user, pk=pk)
    service = services.ACTION_SERVICES.get(name)
    if service is None:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("budget:disbursement", pk=pk)
    attempt(
        request,
        lambda: service(d, request.user, form.cleaned_data),
        lambda done: f"拨付申请 #{done.pk}：{done.get_status_display()}",
    )
    return redirect("budget:disbursement", pk=pk)


@login_required
def contract_detail(request, pk):
    contract = selectors.contract_for_detail(user=request.user, pk=pk)
    return render(request, "budget/contract_detail.html", {"contract": contract})


def _execution_args(request):
    group = request.GET.get("group", "department")
    return _year(request), group if group in GROUPS else "department"


@login_required
def execution(request):
    year, group = _execution_args(request)
    today = timezone.localdate()
    rows = selectors.execution(user=request.user, year=year, group=group, to_date=today)
    return render(
        request,
        "budget/execution.html",
        {
            "year": year,
            "group": group,
            "groups": GROUPS,
            "rows": rows,
            "totals": selectors.execution_totals(rows),
            "today": today,
            "chart": selectors.execution_chart(rows),
        },
    )


@login_required
def execution_export(request):
    year, group = _execution_args(request)
    rows = selectors.execution(
        user=request.user, year=year, group=group, to_date=timezone.localdate()
    )
    totals = selectors.execution_totals(rows)
    return exports.execution_workbook(rows=rows, group=group, year=year, totals=totals)


@login_required
def project_export(request, pk):
    project = selectors.project_for_funding(user=request.user, pk=pk)
    rows = Disbursement.objects.visible_to(request.user).filter(project=project)
    rows = rows.select_related("milestone__contract", "budget_line__fund")
    return exports.disbursements_workbook(project=project, disbursements=rows.order_by("pk"))
