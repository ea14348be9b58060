"""Monthly dispatch services: periods and their frozen owed set, returns and their lifecycle,
the Excel import, dispatch notes and reminders. Each takes the acting user as ``by``."""

import calendar
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from budget.models import Disbursement
from core.audit import audit_record
from core.models import Jurisdiction, Role
from core.permissions import WorkflowError, require
from core.selectors import organisation_users
from core.services import notify
from core.workflow import _fire
from projects.models import AnnualPlanItem, Project
from projects.workflow import BUILDING_STATES

from . import permissions as can
from .models import DispatchNote, ProgressReturn, ReportingPeriod, ReturnVersion, config_for
from .workflow import EDITABLE_STATES, NOTE_LIFECYCLE, RETURN_LIFECYCLE, ReturnState

# Periods ---------------------------------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_deadlines(year: int, month: int, config) -> tuple[dt.datetime, dt.datetime]:
    """(due_at, closes_at): due at the end of ``config.due_day`` of the next month (the last
    day of that month when it is shorter), closed ``close_after_days`` days later."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    last = calendar.monthrange(next_year, next_month)[1]
    due_day = dt.date(next_year, next_month, min(max(config.due_day, 1), last))
    due_at = _local_midnight(due_day + dt.timedelta(days=1))
    return due_at, due_at + dt.timedelta(days=config.close_after_days)


def lateness(received_at: dt.datetime, due_at: dt.datetime) -> int:
    """Calendar days after the due day (Asia/Shanghai); 0 when on time. One minute past
    midnight after the due day is one day late."""
    if received_at < due_at:
        return 0
    due_day = timezone.localtime(due_at).date() - dt.timedelta(days=1)
    return (timezone.localtime(received_at).date() - due_day).days


def owed_subjects(jurisdiction, year):
    """The set a period opened now owes: projects being built (a suspended or terminated one
    owes none) and the year's annual tasks led by a department (SPEC §2: departments file
    returns; the office reports its own tasks in the dispatch meeting)."""
    projects = Project.objects.filter(jurisdiction=jurisdiction, status__in=BUILDING_STATES)
    tasks = AnnualPlanItem.objects.filter(
        plan__jurisdiction=jurisdiction, plan__year=year, lead__kind="department"
    )
    return projects.values_list("pk", "department_id"), tasks.values_list("pk", "lead_id")


@transaction.atomic
def period_open(*, jurisdiction, year: int, month: int, by=None):
    """Open a month and freeze the set of returns it owes. Returns (period, created); opening
    an open month again changes nothing."""
    if by is not None:
        require(can.can_manage_periods(by, jurisdiction.pk))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise WorkflowError("填报期的年月无效")
    existing = ReportingPeriod.objects.filter(jurisdiction=jurisdiction, year=year, month=month)
    if existing.exists():
        return existing.get(), False
    config = config_for(jurisdiction)
    due_at, closes_at = period_deadlines(year, month, config)
    period = ReportingPeriod.objects.create(
        jurisdiction=jurisdiction,
        year=year,
        month=month,
        due_at=due_at,
        closes_at=closes_at,
        requires_head=config.requires_head,
        opened_by=by,
    )
    projects, tasks = owed_subjects(jurisdiction, year)
    common = {"period": period, "jurisdiction": jurisdiction}
    rows = [
        ProgressReturn(kind="project", project_id=p, department_id=d, **common) for p, d in projects
    ]
    rows += [
        ProgressReturn(kind="task", plan_item_id=t, department_id=d, **common) for t, d in tasks
    ]
    ProgressReturn.objects.bulk_create(rows, batch_size=2000)
    period.owed_count = len(rows)
    period.save(update_fields=["owed_count"])
    audit_record(
        by=by,
        jurisdiction=jurisdiction,
        subject=period,
        action="period_open",
        action_label="开启月报填报期",
        comment=f"{period}：应报 {len(rows)} 份，{period.due_text} 截止",
        data={"period": period.key, "owed": len(rows), "due_at": due_at, "closes_at": closes_at},
    )
    return period, True


def period_open_current(*, now=None, by=None) -> list:
    """Open last month for every jurisdiction (the schedule runs this on the 1st)."""
    now = timezone.localtime(now or timezone.now())
    first = now.date().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return [
        period_open(jurisdiction=j, year=last_month.year, month=last_month.month, by=by)
        for j in Jurisdiction.objects.all()
    ]


# Funding read-out ------------------------------------------------------------------------


def paid_to_date(*, project_ids=(), task_ids=(), as_of: dt.date) -> tuple[dict, dict]:
    """Cumulative paid disbursements up to ``as_of`` (from §6, never typed): per project and
    per annual task (the sum of its projects). Two GROUP BY queries."""
    paid = Disbursement.objects.filter(status="paid", paid_on__lte=as_of).order_by()
    by_project = dict(
        paid.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "s")
    )
    by_task = dict(
        paid.filter(project__plan_item_id__in=task_ids)
        .values("project__plan_item_id")
        .annotate(s=Sum("amount"))
        .values_list("project__plan_item_id", "s")
    )
    return by_project, by_task


def period_end(period) -> dt.date:
    return dt.date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def refresh_paid(returns) -> None:
    """Set ``cumulative_paid`` of each return (in memory) from the funding records."""
    returns = list(returns)
    for period_id in {r.period_id for r in returns}:
        group = [r for r in returns if r.period_id == period_id]
        by_project, by_task = paid_to_date(
            project_ids=[r.project_id for r in group if r.project_id],
            task_ids=[r.plan_item_id for r in group if r.plan_item_id],
            as_of=period_end(group[0].period),
        )
        for r in group:
            source = by_project.get(r.project_id) if r.project_id else by_task.get(r.plan_item_id)
            r.cumulative_paid = source or Decimal("0")


# Returns ---------------------------------------------------------------------------------

RISK_VALUES = {"none", "low", "medium", "high"}


def clean_return_values(data: dict) -> tuple[dict, dict]:
    """(values, errors): the editable fields of a return from raw input; errors by field in
    Chinese. The one place the screen, the import and the command validate a return."""
    from core.forms import TEXT_MAX_LENGTH, clean_text

    values, errors = {}, {}
    for name, label in (("planned_progress", "计划进度"), ("actual_progress", "实际进度")):
        raw = data.get(name)
        if raw is None or str(raw).strip() == "":
            values[name] = None
            continue
        try:
            number = Decimal(str(raw).strip().rstrip("%"))
        except ArithmeticError:
            errors[name] = f"{label}须为 0–100 的整数"
            continue
        if number != number.to_integral_value() or not 0 <= number <= 100:
            errors[name] = f"{label}须为 0–100 的整数"
            continue
        values[name] = int(number)
    for name, label, limit in (
        ("milestones", "本月完成节点", 300),
        ("problems", "存在问题", TEXT_MAX_LENGTH),
        ("next_plan", "下月计划", TEXT_MAX_LENGTH),
    ):
        try:
            values[name] = clean_text(data.get(name), max_length=limit, label=label).strip()
        except WorkflowError as error:
            errors[name] = str(error)
    risk = str(data.get("risk") or "none").strip()
    risk = RISK_LABELS.get(risk, risk)
    if risk not in RISK_VALUES:
        errors["risk"] = "风险等级须从下拉列表选择：无、低、中、高"
    else:
        values["risk"] = risk
    return values, errors


RISK_LABELS = {"无": "none", "低": "low", "中": "medium", "高": "high"}


@transaction.atomic
def return_save(*, ret, by, data: dict) -> ProgressReturn:
    """Save the department's edits of a return as they type (no state change)."""
    locked = (
        ProgressReturn.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=ret.pk)
    )
    require(can.can_file_return(by, locked))
    if locked.status not in EDITABLE_STATES:
        raise WorkflowError(f"月报当前状态为“{locked.get_status_display()}”，不能修改")
    if not locked.period.is_open:
        raise WorkflowError(f"{locked.period}填报已于 {locked.period.closes_text} 截止，不能再修改")
    values, errors = clean_return_values(data)
    if errors:
        raise WorkflowError("；".join(errors.values()))
    for name, value in values.items():
        setattr(locked, name, value)
    refresh_paid([locked])
    locked.saved_at = timezone.now()
    locked.save()
    return locked


def _received(ret, now, *, imported=False):
    """Stamp the receipt (first submission only) and its lateness."""
    if ret.received_at is None:
        ret.received_at = now
        ret.late_days = lateness(now, ret.period.due_at)
    else:
        ret.resubmitted_at = now
    ret.via_import = ret.via_import or imported


def _return_url(ret):
    return f"/kpi/returns/{ret.pk}/"


def return_submit(*, ret, by) -> ProgressReturn:
    """File a return; the server's time of this first submission decides timeliness."""

    def after(locked):
        refresh_paid([locked])
        locked.filed_by = by
        _received(locked, timezone.now())

    ret = _fire(RETURN_LIFECYCLE, ret, "submit", by=by, after=after)
    if ret.status == ReturnState.AWAITING_HEAD:
        notify(
            users=organisation_users(ret.department_id, Role.DEPT_HEAD),
            text=f"月报待确认：{ret.period} {ret.subject_name}",
            url=_return_url(ret),
        )
    return ret


def return_confirm(*, ret, by) -> ProgressReturn:
    def after(locked):
        locked.confirmed_by, locked.confirmed_at = by, timezone.now()

    return _fire(RETURN_LIFECYCLE, ret, "confirm", by=by, after=after)


def return_accept(*, ret, by, comment="") -> ProgressReturn:
    """Accept and lock; the accepted content is kept as this version."""

    def after(locked):
        locked.accepted_by, locked.accepted_at = by, timezone.now()
        ReturnVersion.objects.create(
            ret=locked,
            version=locked.version,
            content=locked.snapshot(),
            accepted_by=by,
            accepted_at=locked.accepted_at,
        )

    return _fire(RETURN_LIFECYCLE, ret, "accept", by=by, comment=comment, after=after)


def return_return(*, ret, by, reason) -> ProgressReturn:
    ret = _fire(RETURN_LIFECYCLE, ret, "return_", by=by, comment=reason)
    notify(
        users=organisation_users(ret.department_id, Role.DEPT_OFFICER),
        text=f"月报被退回：{ret.period} {ret.subject_name}",
        url=_return_url(ret),
    )
    return ret


def return_reopen(*, ret, by, reason) -> ProgressReturn:
    """Unlock an accepted return for correction; edits make the next version."""

    def after(locked):
        locked.version += 1

    ret = _fire(RETURN_LIFECYCLE, ret, "reopen", by=by, comment=reason, after=after)
    notify(
        users=organisation_users(ret.department_id, Role.DEPT_OFFICER),
        text=f"月报已重新打开（第 {ret.version} 版）：{ret.period} {ret.subject_name}",
        url=_return_url(ret),
    )
    return ret


def return_changes(ret) -> list[tuple[str, object, object]]:
    """(field label, accepted value, current value) for each field changed since the last
    accepted version; empty when there is none."""
    last = ret.versions.order_by("-version").first()
    if last is None:
        return []
    now = ret.snapshot()
    labels = {f: str(ProgressReturn._meta.get_field(f).verbose_name) for f in now}
    return [(labels[f], last.content.get(f), v) for f, v in now.items() if last.content.get(f) != v]


class ImportRejected(WorkflowError):
    """The file has cell errors; ``result`` lists them and ``annotate`` marks them."""

    def __init__(self, result):
        self.result = result
        super().__init__(
            f"导入失败：{len(result.errors)} 处错误，未导入任何月报，请按标注修改后重新上传"
        )


IMPORT_FIELDS = [
    *ProgressReturn.EDITABLE_FIELDS,
    "cumulative_paid",
    "status",
    "received_at",
    "late_days",
    "resubmitted_at",
    "via_import",
    "filed_by",
    "saved_at",
]


def returns_import(*, by, upload, received_at=None) -> list[ProgressReturn]:
    """File the returns of an uploaded template, all or nothing. Every row is checked first
    (``spreadsheets.read_upload``); any error rejects the file (``ImportRejected``) and nothing
    is written. Filed returns get the receipt time of the upload, are checked against the
    same predicate, source states and guards as ``return_submit``, and each writes its audit
    event, plus one event for the import."""
    from core.workflow import transition_meta

    from .spreadsheets import read_upload

    received_at = received_at or timezone.now()
    result = read_upload(upload=upload, by=by)
    if result.errors:
        raise ImportRejected(result)
    wanted = {ret.pk: values for ret, values in result.rows}
    with transaction.atomic():
        # Lock the rows read while checking and refuse if any moved on meanwhile.
        states = dict(
            ProgressReturn.objects.select_for_update()
            .filter(pk__in=wanted)
            .order_by("pk")
            .values_list("pk", "status")
        )
        locked = [ret for ret, _values in result.rows]
        if any(states.get(r.pk) != r.status for r in locked):
            raise WorkflowError("导入期间有月报被他人修改或报送，请重新下载模板后再导入")
        events = [_import_one(r, wanted[r.pk], by, received_at, transition_meta) for r in locked]
        refresh_paid(locked)
        _write_rows(locked, IMPORT_FIELDS)
        from core.audit import audit_record_many

        period = result.period
        audit_record_many(by=by, jurisdiction=period.jurisdiction_id, events=events)
        audit_record(
            by=by,
            jurisdiction=period.jurisdiction_id,
            subject=period,
            action="returns_import",
            action_label="导入月报",
            comment=f"{period}：经 Excel 导入并报送 {len(locked)} 份月报",
            data={"period": period.key, "returns": sorted(wanted), "file": upload.name},
        )
    return locked


CONVERTED = {"DateTimeField", "DecimalField"}


def _write_rows(rows, fields) -> None:
    """One parameterised UPDATE per row, sent as a batch (``bulk_update``'s CASE expressions
    grow quadratically with thousands of rows)."""
    from django.db import connection

    model = ProgressReturn._meta
    columns = [model.get_field(f) for f in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    sql = f"UPDATE {model.db_table} SET {assignments} WHERE id = %s"
    # Only datetimes and decimals need the backend's conversion (SQLite stores naive UTC).
    prep = [
        (c.attname, c.get_db_prep_save if c.get_internal_type() in CONVERTED else None)
        for c in columns
    ]
    params = [
        [f(getattr(r, name), connection) if f else getattr(r, name) for name, f in prep] + [r.pk]
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _import_one(ret, values, by, received_at, transition_meta):
    meta = transition_meta(ret, "submit")
    require(meta.permission.predicate(by, ret))
    if ret.status not in EDITABLE_STATES:
        raise WorkflowError(f"月报当前状态为“{ret.get_status_display()}”，不能导入")
    for name, value in values.items():
        setattr(ret, name, value)
    for condition in meta.custom["guards"]:
        refusal = condition(ret, by, {"action": "submit"})
        if refusal:
            raise WorkflowError(refusal)
    from_state = ret.status
    ret.submit()
    ret.filed_by, ret.saved_at = by, received_at
    _received(ret, received_at, imported=True)
    audit = RETURN_LIFECYCLE.audit(ret, "submit", "报送（Excel 导入）")
    audit.pop("jurisdiction")
    return {
        "subject": ret,
        "from_state": from_state,
        "to_state": ret.status,
        "comment": "经 Excel 导入",
        **audit,
    }


# Dispatch notes --------------------------------------------------------------------------


def _note_url(note):
    return f"/kpi/notes/{note.pk}/"


@transaction.atomic
def note_issue(
    *, by, department, instruction, deadline, project=None, ret=None, plan_item=None
) -> DispatchNote:
    jurisdiction_id = department.jurisdiction_id
    require(can.can_issue_note(by, jurisdiction_id))
    instruction = (instruction or "").strip()
    if not instruction:
        raise WorkflowError("调度意见须填写内容")
    if not isinstance(deadline, dt.date) or deadline < timezone.localdate():
        raise WorkflowError("办理期限须填写且不能早于今天")
    # A unit that applies for projects (网信办, 行政审批局 too) answers for them.
    if department.kind != "department" and not department.projects.exists():
        raise WorkflowError("调度意见只能下发给需求部门")
    for subject, owner in ((project, "department_id"), (ret, "department_id")):
        if subject is not None and getattr(subject, owner) != department.pk:
            raise WorkflowError("所选项目或月报不属于该单位")
    if plan_item is not None and plan_item.lead_id != department.pk:
        raise WorkflowError("所选年度任务不由该单位牵头")
    if ret is not None and project is None:
        project = ret.project
    note = DispatchNote.objects.create(
        jurisdiction_id=jurisdiction_id,
        department=department,
        project=project,
        ret=ret,
        plan_item=plan_item or (ret.plan_item if ret else None),
        instruction=instruction,
        deadline=deadline,
        issued_by=by,
    )
    audit_record(
        by=by,
        subject=note,
        project=project,
        jurisdiction=jurisdiction_id,
        action="dispatch_note_issue",
        action_label="下发调度意见",
        to_state=note.status,
        comment=f"{department.name}：{instruction}（期限 {deadline:%Y-%m-%d}）",
        data={"deadline": deadline, "department": department.pk},
    )
    notify(
        users=organisation_users(department.pk, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"调度意见待办理（期限 {deadline:%m月%d日}）：{instruction[:60]}",
        url=_note_url(note),
    )
    return note


def note_answer(*, note, by, answer, evidence=None) -> DispatchNote:
    """The department answers with what it did and, optionally, a file as evidence."""
    from core.forms import clean_text
    from core.uploads import check_upload

    answer = clean_text(answer, label="落实情况").strip()
    stored = check_upload(evidence) if evidence else None

    def after(locked):
        now = timezone.now()
        locked.reply, locked.answered_at, locked.answered_by = answer, now, by
        locked.first_answered_on = locked.first_answered_on or timezone.localdate(now)
        if stored:
            locked.evidence_file.save(stored[0], evidence, save=False)
            locked.evidence_name, locked.evidence_sha256 = evidence_name, stored[1]

    evidence_name = getattr(evidence, "name", "") if evidence else ""
    note = _fire(
        NOTE_LIFECYCLE,
        note,
        "answer",
        by=by,
        comment=answer + (f"\n佐证材料：{evidence_name}" if evidence_name else ""),
        context={"answer": answer},
        after=after,
    )
    notify(users=[note.issued_by], text=f"调度意见已答复：{note.department}", url=_note_url(note))
    return note


def note_close(*, note, by, comment="") -> DispatchNote:
    def after(locked):
        locked.closed_at = timezone.now()

    return _fire(NOTE_LIFECYCLE, note, "close", by=by, comment=comment, after=after)


def note_send_back(*, note, by, reason) -> DispatchNote:
    note = _fire(NOTE_LIFECYCLE, note, "send_back", by=by, comment=reason)
    notify(
        users=organisation_users(note.department_id, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"调度意见被退回重办：{reason[:60]}",
        url=_note_url(note),
    )
    return note


# Buttons on the return and note pages map to these (one service per transition kind).
RETURN_ACTIONS = {
    "submit": lambda r, by, data: return_submit(ret=r, by=by),
    "confirm": lambda r, by, data: return_confirm(ret=r, by=by),
    "accept": lambda r, by, data: return_accept(ret=r, by=by, comment=data.get("comment", "")),
    "return_": lambda r, by, data: return_return(ret=r, by=by, reason=data.get("comment", "")),
    "reopen": lambda r, by, data: return_reopen(ret=r, by=by, reason=data.get("comment", "")),
}
NOTE_ACTIONS = {
    "answer": lambda n, by, data: note_answer(
        note=n, by=by, answer=data.get("answer", ""), evidence=data.get("evidence")
    ),
    "close": lambda n, by, data: note_close(note=n, by=by, comment=data.get("comment", "")),
    "send_back": lambda n, by, data: note_send_back(note=n, by=by, reason=data.get("comment", "")),
}
