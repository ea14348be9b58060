"""The register of existing information systems (政务信息系统目录): list, edit, retire, import."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.excel import Column, workbook_response
from core.http import attempt

from ..forms import SystemForm, SystemImportForm
from ..models import InformationSystem
from ..permissions import can_manage_systems, systems_visible_to
from ..services import systems as service

PAGE_SIZE = 50


@login_required
def system_list(request):
    user = request.user
    rows = systems_visible_to(user).select_related("owner", "jurisdiction")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(owner__name__contains=q))
    for key in ("build_type", "status", "network"):
        if request.GET.get(key):
            rows = rows.filter(**{key: request.GET[key]})
    page = Paginator(rows.order_by("owner__name", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/system_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "q": q,
            "choices": {
                "build_type": InformationSystem.BuildType.choices,
                "status": InformationSystem.Status.choices,
                "network": InformationSystem.Network.choices,
            },
            "can_manage": can_manage_systems(user, user.jurisdiction_id),
        },
    )


def _managed(request, pk):
    system = get_object_or_404(systems_visible_to(request.user), pk=pk)
    return system


@login_required
def system_edit(request, pk=None):
    user = request.user
    decision = can_manage_systems(user, user.jurisdiction_id)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("review:systems")
    system = _managed(request, pk) if pk else None
    form = SystemForm(request.POST or None, instance=system, jurisdiction_id=user.jurisdiction_id)
    if request.method == "POST" and form.is_valid():
        fields = {n: form.cleaned_data[n] for n in service.EDITABLE}
        if system:
            version = form.cleaned_data["version"] or 0
            call = lambda: service.system_update(  # noqa: E731
                system=system, by=user, fields=fields, version=version
            )
        else:
            call = lambda: service.system_create(by=user, fields=fields)  # noqa: E731
        if attempt(request, call, "已保存信息系统登记"):
            return redirect("review:systems")
    return render(request, "review/system_form.html", {"form": form, "system": system})


@login_required
@require_POST
def system_retire(request, pk):
    system = _managed(request, pk)
    attempt(
        request,
        lambda: service.system_retire(
            system=system, by=request.user, reason=request.POST.get("reason", "")
        ),
        f"已停用“{system.name}”",
    )
    return redirect("review:systems")


@login_required
def system_import(request):
    user = request.user
    decision = can_manage_systems(user, user.jurisdiction_id)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("review:systems")
    form = SystemImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            count = service.systems_import(by=user, upload=form.cleaned_data["file"])
        except service.ImportRejected as rejected:
            messages.error(request, rejected.message)
            context["errors"] = [
                (row, service.COLUMNS[col][0], message) for row, col, message in rejected.errors
            ]
            if rejected.workbook:
                context["marked"] = base64.b64encode(rejected.workbook).decode()
        else:
            messages.success(request, f"已导入 {count} 个信息系统")
            return redirect("review:systems")
    return render(request, "review/system_import.html", context)


@login_required
def system_template(request):
    header, example = service.template_rows()
    return workbook_response(
        filename="政务信息系统目录导入模板.xlsx",
        title="信息系统目录",
        columns=[
            Column(h, w) for h, w in zip(header, [32, 24, 10, 10, 12, 10, 12, 8, 24], strict=True)
        ],
        rows=[example],
    )
