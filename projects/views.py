from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import attempt, form_errors
from core.paging import page_query, paginate

from . import rules, selectors, services
from .exports import ledger_workbook
from .forms import (
    AttachmentForm,
    DataResourceFormSet,
    JustificationForm,
    ProjectForm,
    ReasonForm,
    data_resource_initial,
    data_resource_rows,
)
from .models import Attachment, Project
from .pages import project_page
from .permissions import (
    can_create_project,
    can_edit_project,
)
from .workflow import STATE_BADGES


@login_required
def ledger(request):
    filterset = selectors.project_list(user=request.user, filters=request.GET)
    return render(
        request,
        "projects/project_ledger.html",
        {
            "filter": filterset,
            "departments": filterset.filters["department"].queryset,
            "page": paginate(request, filterset.qs),
            "query": page_query(request),
            "badges": STATE_BADGES,
            "can_create": can_create_project(request.user),
        },
    )


@login_required
def ledger_export(request):
    filterset = selectors.project_list(user=request.user, filters=request.GET)
    return ledger_workbook(filterset.qs)


@login_required
def detail(request, pk):
    project = selectors.project_for_detail(user=request.user, pk=pk)
    return render(request, "projects/project_detail.html", project_page(project, request.user))


def _bound_forms(request, project):
    """The proposal form and its data-resource rows, bound to the POST when there is one."""
    user = request.user
    jurisdiction = project.jurisdiction if project else user.organisation.jurisdiction
    data = request.POST or None
    instance = project or Project(jurisdiction=jurisdiction, department=user.organisation)
    form = ProjectForm(data, instance=instance, jurisdiction=jurisdiction)
    initial = None if data else data_resource_initial(project)
    formset = DataResourceFormSet(data, initial=initial, prefix="data")
    return form, formset


def _save_draft(request, project, form, formset):
    return attempt(
        request,
        lambda: services.project_save_draft(
            by=request.user,
            project=project,
            version=form.cleaned_data["version"],
            fields=form.service_fields(),
            platforms=form.cleaned_data["common_platforms"],
            data_resources=data_resource_rows(formset),
        ),
        "已保存草稿",
    )


def _edit(request, project):
    form, formset = _bound_forms(request, project)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save_draft(request, project, form, formset)
        if saved:
            return redirect("projects:detail", pk=saved.pk)
    elif request.method == "POST":
        messages.error(request, "保存失败：请按红色提示修改后再保存")
    context = {"form": form, "formset": formset, "project": project}
    return render(request, "projects/project_form.html", context)


@login_required
def create(request):
    decision = can_create_project(request.user)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("projects:ledger")
    return _edit(request, None)


@login_required
def edit(request, pk):
    project = selectors.project_for_detail(user=request.user, pk=pk)
    decision = can_edit_project(request.user, project)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("projects:detail", pk=pk)
    return _edit(request, project)


@login_required
@require_POST
def preflight(request):
    """Live rule evaluation of the unsaved form (htmx)."""
    pk = request.POST.get("project_id", "")
    if pk and not pk.isdigit():
        raise Http404
    project = selectors.project_for_detail(user=request.user, pk=pk) if pk else None
    if project is None and request.user.organisation_id is None:
        raise Http404
    form, formset = _bound_forms(request, project)
    context = {
        "results": rules.evaluate(_unsaved_facts(form, formset, project)),
        "live": True,
        "form_errors": _form_errors(form),
    }
    return render(request, "projects/partials/_rules.html", context)


def _unsaved_facts(form, formset, project):
    """Rule facts for what the form holds now, with the saved project's files and notes."""
    facts = rules.Facts(project=_unsaved_copy(form, project))
    if project:
        existing = rules.facts_for(project)
        facts.attachment_kinds = existing.attachment_kinds
        facts.justifications = existing.justifications
    rows = data_resource_rows(formset) if formset.is_valid() else []
    facts.data_resource_count = len(rows)
    facts.unreasoned_unshared = rules.unreasoned_unshared(rows)
    facts.platform_count = len(form.cleaned_data.get("common_platforms") or [])
    return facts


def _form_errors(form) -> list[str]:
    return [
        f"{form.fields[name].label}：{e}" if name in form.fields else e
        for name, errs in form.errors.items()
        for e in errs
    ]


def _unsaved_copy(form, project):
    form.is_valid()
    # The saved project's id and owners, so R7 skips the project itself and knows its department.
    copy = Project(
        pk=project.pk if project else None,
        jurisdiction_id=form.instance.jurisdiction_id,
        department_id=form.instance.department_id,
    )
    for name, value in form.cleaned_data.items():
        if name != "common_platforms":
            setattr(copy, name, value)
    copy.total_investment = copy.compute_total()
    return copy


@login_required
@require_POST
def action(request, pk, name):
    project = selectors.project_for_detail(user=request.user, pk=pk)
    service = services.ACTION_SERVICES.get(name)
    if service is None:
        raise Http404
    form = ReasonForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    attempt(
        request,
        lambda: service(project, request.user, comment),
        lambda done: f"办理成功，项目状态为“{done.get_status_display()}”",
    )
    return redirect("projects:detail", pk=pk)


def _run(request, pk, func, success):
    project = selectors.project_for_detail(user=request.user, pk=pk)
    attempt(request, lambda: func(project), success)
    return project


@login_required
@require_POST
def confirm(request, pk):
    _run(
        request,
        pk,
        lambda p: services.project_confirm(project=p, by=request.user),
        "已确认，经办人可以提交",
    )
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def receive(request, pk):
    _run(
        request,
        pk,
        lambda p: services.project_receive(project=p, by=request.user),
        "已签收，开始形式审查",
    )
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def justify(request, pk, rule_id):
    form = JustificationForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    _run(
        request,
        pk,
        lambda p: services.justification_set(
            project=p, rule_id=rule_id, text=text, by=request.user
        ),
        "已保存书面说明",
    )
    return redirect(reverse("projects:detail", args=[pk]) + "#rules")


@login_required
@require_POST
def attachment_upload(request, pk):
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        _run(
            request,
            pk,
            lambda p: services.attachment_add(
                project=p,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                by=request.user,
            ),
            "附件已上传",
        )
    else:
        selectors.project_for_detail(user=request.user, pk=pk)
        messages.error(request, form_errors(form))
    return redirect(reverse("projects:detail", args=[pk]) + "#attachments")


def _visible_attachment(user, pk, attachment_id):
    project = selectors.project_for_detail(user=user, pk=pk)
    return get_object_or_404(Attachment, pk=attachment_id, project=project)


@login_required
def attachment_download(request, pk, attachment_id):
    attachment = _visible_attachment(request.user, pk, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_id):
    attachment = _visible_attachment(request.user, pk, attachment_id)
    _run(
        request,
        pk,
        lambda p: services.attachment_remove(attachment=attachment, by=request.user),
        "附件已删除",
    )
    return redirect(reverse("projects:detail", args=[pk]) + "#attachments")
