"""HTTP adapters of monthly dispatch; the logic is in services, selectors and spreadsheets."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.excel import XLSX_MIME
from core.http import attempt, outcome
from core.models import Organisation, Role
from core.permissions import WorkflowError

from . import selectors, services, sheet, spreadsheets
from .permissions import can_file_return, can_issue_note, can_manage_periods
from .workflow import NOTE_BADGES, RETURN_BADGES, NoteState, available_actions

IMPORT_ERRORS_DIR = "kpi-import-errors"


def _period(request, key="period"):
    """The period named in the query, else the user's latest one (None when none is open)."""
    raw = request.GET.get(key) or request.POST.get(key)
    if raw and raw.isdigit():
        return selectors.period_for(user=request.user, pk=int(raw))
    return selectors.current_period(request.user)


@login_required
def home(request):
    user = request.user
    if user.has_role(Role.DEPT_OFFICER, Role.DEPT_HEAD) and not user.has_role(Role.OFFICE):
        return redirect("kpi:file")
    return redirect("kpi:check")


@login_required
def file(request):
    """One screen for all of the department's returns of a month, saved as they type."""
    user, period = request.user, _period(request)
    rows = list(selectors.department_returns(user=user, period=period)) if period else []
    services.refresh_paid([r for r in rows if r.status in services.EDITABLE_STATES])
    return render(
        request,
        "kpi/file.html",
        {
            "period": period,
            "periods": selectors.periods_for(user).filter(jurisdiction_id=user.jurisdiction_id)[
                :24
            ],
            "rows": [(r, _row_context(user, r)) for r in rows],
            "badges": RETURN_BADGES,
            "can_file": user.has_role(Role.DEPT_OFFICER),
            "summary": selectors.department_summary(user=user, periods=[period]) if period else [],
        },
    )


def _row_context(user, r):
    return {
        "editable": r.status in services.EDITABLE_STATES
        and r.period.is_open
        and bool(can_file_return(user, r)),
        "actions": [a for a in available_actions(user, r) if a.name in ("submit", "confirm")],
    }


@login_required
@require_POST
def return_save(request, pk):
    """htmx: save one row as the officer types; answer with the row, saved or refused."""
    ret = selectors.return_for_detail(user=request.user, pk=pk)
    saved, refused = outcome(
        lambda: services.return_save(ret=ret, by=request.user, data=request.POST)
    )
    ret = saved or selectors.return_for_detail(user=request.user, pk=pk)
    if saved is None:
        for name in ret.EDITABLE_FIELDS:  # keep what was typed on screen
            if name in request.POST:
                ret.__dict__[name] = request.POST[name]
    return render(
        request,
        "kpi/partials/_return_row.html",
        {
            "r": ret,
            "ctx": _row_context(request.user, ret),
            "badges": RETURN_BADGES,
            "refused": refused,
            "saved": saved is not None,
        },
    )


@login_required
@require_POST
def submit_all(request):
    """Submit every complete editable return of the department in the period."""
    user, period = request.user, _period(request)
    if period is None:
        raise Http404
    done, refused = 0, []
    for r in selectors.department_returns(user=user, period=period):
        if r.status not in services.EDITABLE_STATES or r.missing_fields():
            continue
        _, reason = outcome(lambda r=r: services.return_submit(ret=r, by=user))
        if reason:
            refused.append(f"{r.subject_name}：{reason}")
        else:
            done += 1
    if done:
        messages.success(request, f"已报送 {done} 份月报")
    for reason in refused:
        messages.error(request, reason)
    if not done and not refused:
        messages.info(request, "没有填写完整、可以报送的月报")
    return redirect(f"{reverse('kpi:file')}?period={period.pk}")


@login_required
def return_detail(request, pk):
    ret = selectors.return_for_detail(user=request.user, pk=pk)
    return render(
        request,
        "kpi/return_detail.html",
        {
            "r": ret,
            "actions": available_actions(request.user, ret),
            "badges": RETURN_BADGES,
            "changes": services.return_changes(ret),
            "versions": ret.versions.select_related("accepted_by"),
            "timeline": selectors.timeline(ret),
            "notes": ret.notes.all(),
        },
    )


@login_required
@require_POST
def return_action(request, pk, name):
    ret = selectors.return_for_detail(user=request.user, pk=pk)
    action = services.RETURN_ACTIONS.get(name)
    if action is None:
        raise Http404
    attempt(request, lambda: action(ret, request.user, request.POST), "已办理")
    if request.POST.get("back") == "file":
        return redirect(f"{reverse('kpi:file')}?period={ret.period_id}#ret-{pk}")
    return redirect("kpi:return", pk=pk)


@login_required
def check(request):
    """The office's check page: per-department counts and the returns to check."""
    user, period = request.user, _period(request)
    department = request.GET.get("department", "")
    department = int(department) if department.isdigit() else None
    show = request.GET.get("show", "")
    page = None
    everything = request.GET.get("all") == "1"  # the office's to-do: every period
    if period or everything:
        rows = selectors.check_list(
            user=user, period=None if everything else period, department=department, show=show
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "kpi/check.html",
        {
            "period": period,
            "periods": selectors.periods_for(user).filter(jurisdiction_id=user.jurisdiction_id)[
                :24
            ],
            "summary": selectors.department_summary(user=user, periods=[period]) if period else [],
            "page": page,
            "department": department,
            "show": show,
            "everything": everything,
            "badges": RETURN_BADGES,
            "can_check": user.has_role(Role.OFFICE),
            "can_open": bool(can_manage_periods(user, user.jurisdiction_id)),
            "query": f"period={period.pk if period else ''}&department={department or ''}&show={show}"
            + ("&all=1" if everything else ""),
            "shows": [
                ("", "全部"),
                ("submitted", "待审核"),
                ("awaiting_head", "待负责人确认"),
                ("accepted", "已审核"),
                ("returned", "退回/重新打开"),
                ("late", "逾期报送"),
                ("missing", "逾期未报"),
                ("risk", "中高风险"),
                ("behind", "滞后超10个百分点"),
            ],
        },
    )


@login_required
def project_view(request):
    """Per project and task: progress gap, risk, flags, for one period."""
    user, period = request.user, _period(request)
    page = None
    if period:
        page = Paginator(selectors.project_rows(user=user, period=period), 50).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "kpi/projects.html",
        {
            "period": period,
            "periods": selectors.periods_for(user).filter(jurisdiction_id=user.jurisdiction_id)[
                :24
            ],
            "page": page,
            "badges": RETURN_BADGES,
            "query": f"period={period.pk if period else ''}",
        },
    )


@login_required
def project_returns(request, pk):
    from projects.models import Project

    project = Project.objects.visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    rows = (
        project.progress_returns.visible_to(request.user)
        .for_list()
        .order_by("-period__year", "-period__month")
    )
    return render(
        request,
        "kpi/project_returns.html",
        {"project": project, "rows": rows[:60], "badges": RETURN_BADGES},
    )


@login_required
@require_POST
def period_open(request):
    user = request.user
    today = timezone.localdate()
    last = today.replace(day=1) - timezone.timedelta(days=1)
    jurisdiction = user.organisation.jurisdiction if user.organisation_id else None
    if jurisdiction is None:
        raise Http404
    result = attempt(
        request,
        lambda: services.period_open(
            jurisdiction=jurisdiction, year=last.year, month=last.month, by=user
        ),
        lambda r: (
            f"{r[0]}填报期已{'开启' if r[1] else '存在'}：应报 {r[0].owed_count} 份，{r[0].due_text} 截止"
        ),
    )
    return redirect(f"{reverse('kpi:check')}?period={result[0].pk}" if result else "kpi:check")


# Excel round trip -----------------------------------------------------------------------


@login_required
def template_download(request):
    user, period = request.user, _period(request)
    if period is None or not user.organisation_id or not user.has_role(Role.DEPT_OFFICER):
        raise Http404
    content = spreadsheets.template_workbook(period=period, department=user.organisation)
    response = HttpResponse(content, content_type=XLSX_MIME)
    name = f"月报模板-{period.key}-{user.organisation.name}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


@login_required
@require_POST
def returns_import(request):
    """All or nothing; the receipt time of every filed return is this request's."""
    received_at = timezone.now()
    upload = request.FILES.get("file")
    period = _period(request)
    back = f"{reverse('kpi:file')}?period={period.pk}" if period else reverse("kpi:file")
    if upload is None:
        messages.error(request, "请选择要导入的 Excel 文件")
        return redirect(back)
    try:
        imported = services.returns_import(by=request.user, upload=upload, received_at=received_at)
    except services.ImportRejected as rejected:
        token = _keep_errors(request, spreadsheets.annotate(rejected.result))
        return render(
            request,
            "kpi/import_errors.html",
            {
                "message": str(rejected),
                "errors": rejected.result.errors[:200],
                "headers": spreadsheets.HEADERS,
                "token": token,
                "back": back,
                "total": len(rejected.result.errors),
            },
            status=400,
        )
    except WorkflowError as error:
        messages.error(request, f"导入失败，未导入任何月报：{error}")
        return redirect(back)
    messages.success(
        request,
        f"已导入并报送 {len(imported)} 份月报（接收时间 {timezone.localtime(received_at):%Y-%m-%d %H:%M}）",
    )
    return redirect(back)


def _keep_errors(request, content: bytes) -> str:
    folder = Path(settings.MEDIA_ROOT) / IMPORT_ERRORS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    token = f"{request.user.pk}-{uuid.uuid4().hex}"
    (folder / f"{token}.xlsx").write_bytes(content)
    return token


@login_required
def import_errors(request, token):
    """The annotated workbook, only to the user who uploaded it."""
    owner, _, rest = token.partition("-")
    if owner != str(request.user.pk) or not rest.isalnum():
        raise Http404
    path = Path(settings.MEDIA_ROOT) / IMPORT_ERRORS_DIR / f"{token}.xlsx"
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="月报导入错误标注.xlsx",
        content_type=XLSX_MIME,
    )


# Dispatch notes -------------------------------------------------------------------------


@login_required
def notes(request):
    user = request.user
    status = request.GET.get("status", "")
    rows = selectors.notes_for(
        user=user, status=status if status in {*NoteState.values, "overdue"} else None
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    can_issue = can_issue_note(user, user.jurisdiction_id)
    return render(
        request,
        "kpi/notes.html",
        {
            "page": page,
            "status": status,
            "states": [*NoteState.choices, ("overdue", "已逾期")],
            "badges": NOTE_BADGES,
            "counts": selectors.note_counts(user=user),
            "can_issue": can_issue,
            "departments": Organisation.objects.filter(
                jurisdiction_id=user.jurisdiction_id, kind="department"
            )
            if can_issue
            else [],
            "today": timezone.localdate(),
            "query": f"status={status}",
            "initial": request.GET,
        },
    )


@login_required
@require_POST
def note_issue(request):
    from .forms import NoteForm

    form = NoteForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("kpi:notes")
    data = form.cleaned_data
    note = attempt(
        request,
        lambda: services.note_issue(by=request.user, **data),
        "已下发调度意见",
    )
    return redirect("kpi:note", pk=note.pk) if note else redirect("kpi:notes")


@login_required
def note_detail(request, pk):
    note = selectors.note_for_detail(user=request.user, pk=pk)
    return render(
        request,
        "kpi/note_detail.html",
        {
            "n": note,
            "actions": available_actions(request.user, note),
            "badges": NOTE_BADGES,
            "timeline": selectors.timeline(note),
            "overdue": note.status != "closed" and note.deadline < timezone.localdate(),
        },
    )


@login_required
@require_POST
def note_action(request, pk, name):
    note = selectors.note_for_detail(user=request.user, pk=pk)
    action = services.NOTE_ACTIONS.get(name)
    if action is None:
        raise Http404
    data = {k: request.POST.get(k, "") for k in ("answer", "comment")}
    data["evidence"] = request.FILES.get("evidence")
    attempt(request, lambda: action(note, request.user, data), "已办理")
    return redirect("kpi:note", pk=pk)


@login_required
def note_evidence(request, pk):
    note = selectors.note_for_detail(user=request.user, pk=pk)
    if not note.evidence_file:
        raise Http404
    return FileResponse(
        note.evidence_file.open("rb"), as_attachment=True, filename=note.evidence_name
    )


# The monthly dispatch sheet -------------------------------------------------------------


@login_required
def sheet_xlsx(request, pk):
    period = selectors.period_for(user=request.user, pk=pk)
    content = sheet.sheet_workbook(user=request.user, period=period)
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{_quote(f'月调度表-{period.key}.xlsx')}"
    )
    return response


@login_required
def sheet_pdf(request, pk):
    period = selectors.period_for(user=request.user, pk=pk)
    content = sheet.sheet_pdf(user=request.user, period=period)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename*=UTF-8''{_quote(f'月调度表-{period.key}.pdf')}"
    )
    return response
