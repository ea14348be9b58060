"""Acceptance pages: a project's acceptance (初验, R8 checklist, rounds, decision), the
rectification register, and the annual audit list. Logic lives in the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.excel import Column, workbook_response
from core.http import attachment_disposition, attempt, form_errors
from core.models import Jurisdiction
from projects.models import DataResource

from . import documents, exports, selectors, services
from .forms import (
    AuditForm,
    DecisionForm,
    DocumentForm,
    InitialAcceptanceForm,
    ItemForm,
    ReasonForm,
    RequestForm,
    RespondForm,
    SharingForm,
)
from .models import (
    AcceptanceRound,
    AuditEntry,
    ChecklistDocument,
    InitialAcceptance,
    RectificationItem,
)
from .pages import acceptance_page, item_page
from .permissions import can_enter_item, can_manage_audit_list, can_read_audit_list
from .workflow import ITEM_BADGES, ItemState


def _back(pk, anchor=""):
    return redirect(reverse("acceptance:project", args=[pk]) + anchor)


@login_required
def project_page(request, pk):
    project = selectors.project_for_acceptance(user=request.user, pk=pk)
    return render(
        request, "acceptance/project_acceptance.html", acceptance_page(project, request.user)
    )


@login_required
@require_POST
def initial_record(request, pk):
    project = selectors.project_for_acceptance(user=request.user, pk=pk)
    form = InitialAcceptanceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(pk, "#initial")
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.initial_acceptance_record(
            project=project,
            held_on=data["held_on"],
            participants=data["participants"],
            conclusion=data["conclusion"],
            remarks=data["remarks"],
            upload=data["document"],
            by=request.user,
        ),
        "初验已登记",
    )
    return _back(pk, "#initial")


@login_required
@require_POST
def document_upload(request, pk):
    project = selectors.project_for_acceptance(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(pk, "#checklist")
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.document_add(
            project=project,
            kind=data["kind"],
            upload=data["document"],
            level=data["level"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            conclusion=data["conclusion"],
            by=request.user,
        ),
        lambda d: f"已上传：{d.get_kind_display()}",
    )
    return _back(pk, "#checklist")


@login_required
@require_POST
def sharing_save(request, pk):
    resource = get_object_or_404(DataResource, pk=pk)
    project = selectors.project_for_acceptance(user=request.user, pk=resource.project_id)
    form = SharingForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(project.pk, "#sharing")
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.sharing_set(resource=resource, by=request.user, **data),
        f"已登记“{resource.name}”的共享落实情况",
    )
    return _back(project.pk, "#sharing")


@login_required
@require_POST
def request_acceptance(request, pk):
    project = selectors.project_for_acceptance(user=request.user, pk=pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(pk, "#request")
    attempt(
        request,
        lambda: services.acceptance_request(project=project, by=request.user, **form.cleaned_data),
        lambda r: f"已提交第{r.number}轮验收申请，等待验收评审",
    )
    return _back(pk, "#rounds")


def _visible_round(user, pk) -> AcceptanceRound:
    round_ = get_object_or_404(AcceptanceRound.objects.select_related("project"), pk=pk)
    selectors.project_for_acceptance(user=user, pk=round_.project_id)
    return round_


@login_required
@require_POST
def decide(request, pk):
    round_ = _visible_round(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(round_.project_id, "#decide")
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.acceptance_decide(
            round=round_,
            decision=data["decision"],
            opinion=data["opinion"],
            findings=form.findings(),
            by=request.user,
        ),
        lambda r: f"已记录验收结论：{r.get_decision_display()}",
    )
    return _back(round_.project_id, "#rounds")


@login_required
def opinion_pdf(request, pk):
    round_ = _visible_round(request.user, pk)
    if not round_.decision:
        raise Http404("本轮验收尚未作出结论")
    document = documents.acceptance_opinion(round_)
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(document.filename, inline=True)
    return response


FILE_MODELS = {"initial": InitialAcceptance, "document": ChecklistDocument}


@login_required
def file_download(request, kind, pk):
    """Uploaded documents are streamed only to those who may see the project."""
    if kind == "evidence":
        item = selectors.item_for(user=request.user, pk=pk)
        handle, name = item.evidence, item.evidence_name
    elif kind in FILE_MODELS:
        row = get_object_or_404(FILE_MODELS[kind], pk=pk)
        selectors.project_for_acceptance(user=request.user, pk=row.project_id)
        handle, name = row.document, row.original_name
    else:
        raise Http404
    if not handle:
        raise Http404("文件不存在")
    try:
        return FileResponse(handle.open("rb"), as_attachment=True, filename=name)
    except FileNotFoundError:
        raise Http404("文件不存在") from None


# Rectification register ------------------------------------------------------------------


@login_required
def register(request):
    user, get = request.user, request.GET
    rows = selectors.item_list(
        user=user,
        status=get.get("status", ""),
        source=get.get("source", ""),
        overdue=get.get("overdue") == "1",
        department=get.get("department") if (get.get("department") or "").isdigit() else None,
    )
    page = rows[:200]
    return render(
        request,
        "acceptance/register.html",
        {
            "items": page,
            "total": rows.count(),
            "today": timezone.localdate(),
            "counts": selectors.counts_by_department(items=selectors.items_visible_to(user)),
            "badges": ITEM_BADGES,
            "statuses": ItemState.choices,
            "sources": RectificationItem.Source.choices,
            "filters": get,
            "can_enter": can_enter_item(user, user.jurisdiction_id),
            "form": ItemForm(jurisdiction_id=user.jurisdiction_id),
        },
    )


@login_required
@require_POST
def item_new(request):
    user = request.user
    form = ItemForm(request.POST, jurisdiction_id=user.jurisdiction_id)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("acceptance:register")
    jurisdiction = Jurisdiction.objects.filter(pk=user.jurisdiction_id).first()
    if jurisdiction is None:
        raise Http404
    item = attempt(
        request,
        lambda: services.item_create(jurisdiction=jurisdiction, by=user, **form.cleaned_data),
        "整改事项已登记",
    )
    return redirect("acceptance:item", pk=item.pk) if item else redirect("acceptance:register")


@login_required
def item_detail(request, pk):
    item = selectors.item_for(user=request.user, pk=pk)
    return render(request, "acceptance/item_detail.html", item_page(item, request.user))


@login_required
@require_POST
def item_respond(request, pk):
    item = selectors.item_for(user=request.user, pk=pk)
    form = RespondForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.item_respond(
                item=item,
                response=data["response"],
                evidence=data["evidence"],
                version=data["version"],
                by=request.user,
            ),
            "整改情况已反馈，等待牵头部门销号",
        )
    return redirect("acceptance:item", pk=pk)


ITEM_ACTIONS = {
    "close": (lambda item, by, text: services.item_close(item=item, by=by, comment=text), "已销号"),
    "send_back": (
        lambda item, by, text: services.item_send_back(item=item, by=by, reason=text),
        "已退回重改",
    ),
}


@login_required
@require_POST
def item_action(request, pk, name):
    item = selectors.item_for(user=request.user, pk=pk)
    if name not in ITEM_ACTIONS:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        service, success = ITEM_ACTIONS[name]
        attempt(request, lambda: service(item, request.user, form.cleaned_data["reason"]), success)
    return redirect("acceptance:item", pk=pk)


# Audit list ------------------------------------------------------------------------------


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@login_required
def audit_list(request):
    user = request.user
    if not can_read_audit_list(user):
        raise Http404
    year = _year(request)
    return render(
        request,
        "acceptance/audit_list.html",
        {
            "year": year,
            "years": selectors.audit_years(user=user),
            "entries": selectors.audit_list(
                user=user, year=year, pending=request.GET.get("pending") == "1"
            ),
            "pending": request.GET.get("pending") == "1",
            "statuses": AuditEntry.Status.choices,
            "can_manage": can_manage_audit_list(user, user.jurisdiction_id),
            "form": AuditForm(),
        },
    )


@login_required
def audit_export(request, year):
    if not can_read_audit_list(request.user):
        raise Http404
    rows = selectors.audit_list(user=request.user, year=year)
    return workbook_response(
        filename=f"{year}年度审计计划清单.xlsx",
        title=f"{year}年度审计计划清单",
        columns=[
            Column(h, w) for h, w in zip(exports.AUDIT_HEADERS, exports.AUDIT_WIDTHS, strict=True)
        ],
        rows=exports.audit_rows(rows),
    )


@login_required
@require_POST
def audit_update(request, pk):
    entry = get_object_or_404(AuditEntry, pk=pk)
    if not can_read_audit_list(request.user):
        raise Http404
    form = AuditForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.audit_entry_update(
                entry=entry,
                status=data["status"],
                findings=data["findings_text"],
                note=data["note"],
                new_items=[(f.description, f.deadline, f.owner) for f in form.findings()],
                version=data["version"],
                by=request.user,
            ),
            "审计情况已记录",
        )
    return redirect(reverse("acceptance:audit") + f"?year={entry.year}#entry-{entry.pk}")
