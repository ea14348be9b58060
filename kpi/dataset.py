"""Dataset step of monthly dispatch (order 70, see ``core/datasets.py``): a reporting period
for every complete month of the history, the frozen set each owed at its opening (projects
being built then, by ``ctx.history``, and the year's annual tasks led by a department), and
the returns with realistic lateness: each department has its own discipline (share on time,
days late, share never filed), receipt times fall around the due day, filings past the close
stay missing, recent months are still being checked. ``scale.returns`` per unit is met by
adding the departments' own ledger tasks (任务台账 sub-items) to each year's task list when the
projects alone owe fewer. Dispatch notes follow the returns that slip. Bulk written; each
state change queues its audit event."""

import bisect
import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

from budget.models import Disbursement
from core.datasets import bulk_insert, dataset_check, dataset_step, ids
from core.models import Organisation, Role, User
from projects.models import AnnualPlan, AnnualPlanItem
from projects.workflow import BUILDING_STATES

from .models import DispatchConfig, DispatchNote, ProgressReturn, ReportingPeriod, ReturnVersion
from .services import lateness, period_deadlines

D = dt.timedelta(days=1)
LEDGER_TASKS = ["系统建设进度", "数据归集", "上云迁移", "等保测评整改", "共享接口对接", "应用推广"]
PROBLEMS = ["", "", "", "供应商驻场人员不足", "接口标准待省级明确", "数据共享申请待审批"]
PLANS = ["推进开发测试", "组织初验准备", "完成数据迁移", "开展用户培训", "整改测评问题"]
RETURN_COLUMNS = (
    "id", "period_id", "jurisdiction_id", "department_id", "kind", "project_id", "plan_item_id",
    "planned_progress", "actual_progress", "milestones", "cumulative_paid", "problems",
    "next_plan", "risk", "received_at", "late_days", "via_import", "filed_by_id",
    "confirmed_by_id", "confirmed_at", "accepted_by_id", "accepted_at", "last_reason",
    "version", "saved_at", "status",
)  # fmt: skip


def _months(ctx):
    first = ctx.start.date().replace(day=1)
    last = ctx.today.replace(day=1)
    months = []
    while first < last:
        months.append((first.year, first.month))
        first = (first + 32 * D).replace(day=1)
    return months


def _opening(year, month, tz):
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.datetime.combine(nxt, dt.time(0, 10), tzinfo=tz)


def _building(ctx):
    """project id -> (start, end) of its building states, from the projects step's history."""
    spans = {}
    for pk, steps in ctx.history.items():
        start = next((t.at for t in steps if t.action == "start_construction"), None)
        if start is None:
            continue
        end = next(
            (t.at for t in steps if t.at > start and t.to_state not in BUILDING_STATES), None
        )
        spans[pk] = (start, end)
    return spans


def _paid(j):
    """project id -> (sorted paid dates, running sums) for cumulative payments."""
    rows = (
        Disbursement.objects.filter(project__jurisdiction=j, status="paid")
        .order_by("project_id", "paid_on")
        .values_list("project_id", "paid_on", "amount")
    )
    table = defaultdict(lambda: ([], []))
    for pk, day, amount in rows:
        dates, sums = table[pk]
        dates.append(day)
        sums.append((sums[-1] if sums else Decimal("0")) + amount)
    return table


@dataset_step(70)
def monthly_dispatch(ctx):
    j, rng = ctx.jurisdiction, ctx.rng
    tz = dt.timezone(dt.timedelta(hours=8))
    config = DispatchConfig(jurisdiction=j)
    months = _months(ctx)
    if not months:
        return
    people = _people(j)
    office = next(
        iter(
            User.objects.filter(organisation__jurisdiction=j, roles__code=Role.OFFICE).values_list(
                "pk", flat=True
            )
        ),
        None,
    )
    spans = _building(ctx)
    departments = dict(
        Organisation.objects.filter(jurisdiction=j, kind="department").values_list("pk", "name")
    )
    project_dept = dict(ctx_projects(j).filter(pk__in=spans).values_list("pk", "department_id"))
    # The frozen sets: (period index) -> [(kind, subject, department)]
    owed = defaultdict(list)
    periods = []
    for index, (year, month) in enumerate(months):
        opening = _opening(year, month, tz)
        due_at, closes_at = period_deadlines(year, month, config)
        periods.append((ids.take(ReportingPeriod)[0], year, month, due_at, closes_at, opening))
        for pk, (start, end) in spans.items():
            if start <= opening and (end is None or end > opening):
                owed[index].append(("project", pk, project_dept[pk]))
    items = _tasks(ctx, j, months, owed, departments)
    for index, (year, _month) in enumerate(months):
        owed[index] += [("task", pk, lead) for pk, lead in items.get(year, [])]
    bulk_insert(
        ReportingPeriod,
        ("id", "jurisdiction_id", "year", "month", "due_at", "closes_at", "requires_head",
         "opened_at", "opened_by_id", "owed_count"),
        [(pk, j.pk, y, m, due, close, True, opening, office, len(owed[i]))
         for i, (pk, y, m, due, close, opening) in enumerate(periods)],
    )  # fmt: skip
    discipline = {d: (rng.uniform(0.55, 0.95), rng.uniform(0.01, 0.08)) for d in departments}
    paid = _paid(j)
    rows, versions, notes = [], [], []
    for index, period in enumerate(periods):
        for kind, subject, department in owed[index]:
            row = _return(ctx, rng, period, index, kind, subject, department, discipline, people,
                          office, spans, paid)  # fmt: skip
            rows.append(row)
            if row[-1] == "accepted":
                versions.append(row)
            if row[13] == "high" and row[14] and rng.random() < 0.3:
                notes.append(row)
    bulk_insert(ProgressReturn, RETURN_COLUMNS, rows)
    bulk_insert(
        ReturnVersion,
        ("id", "ret_id", "version", "content", "accepted_by_id", "accepted_at"),
        [(ids.take(ReturnVersion)[0], r[0], 1, _content(r), r[20], r[21]) for r in versions],
    )
    _notes(ctx, rng, notes, people, office)
    ctx.log(f"  月报：{len(periods)} 个填报期，{len(rows):,} 份月报，{len(notes)} 条调度意见")


def ctx_projects(j):
    from projects.models import Project

    return Project.objects.filter(jurisdiction=j)


def _people(j):
    officers, heads = defaultdict(list), {}
    users = User.objects.filter(organisation__jurisdiction=j, organisation__kind="department")
    for pk, org, role in users.values_list("pk", "organisation_id", "roles__code"):
        if role == Role.DEPT_OFFICER:
            officers[org].append(pk)
        elif role == Role.DEPT_HEAD:
            heads[org] = pk
    return officers, heads


def _tasks(ctx, j, months, owed, departments):
    """Each year's task-list items led by departments, plus ledger sub-items when the projects
    owe fewer returns than the scale asks for."""
    target = ctx.scale.per_unit(ctx.scale.returns)
    existing = AnnualPlanItem.objects.filter(plan__jurisdiction=j, lead__kind="department")
    by_year = defaultdict(list)
    for pk, lead, year in existing.values_list("pk", "lead_id", "plan__year"):
        by_year[year].append((pk, lead))
    projected = sum(len(v) for v in owed.values()) + sum(
        len(by_year.get(y, [])) for y, _m in months
    )
    missing = max(0, target - projected)
    per_department = math.ceil(missing / (len(months) * max(len(departments), 1)))
    if per_department:
        plans = dict(AnnualPlan.objects.filter(jurisdiction=j).values_list("year", "pk"))
        new = []
        for year in sorted({y for y, _m in months}):
            if year not in plans:
                continue
            for d, name in departments.items():
                for k in range(per_department):
                    pk = ids.take(AnnualPlanItem)[0]
                    title = f"{name}{LEDGER_TASKS[k % len(LEDGER_TASKS)]}（台账{k + 1}）"
                    new.append((pk, plans[year], f"D{d}-{k + 1:02d}", title[:200], d))
                    by_year[year].append((pk, d))
        bulk_insert(AnnualPlanItem, ("id", "plan_id", "code", "name", "lead_id"), new)
    return by_year


def _return(
    ctx, rng, period, index, kind, subject, department, discipline, people, office, spans, paid
):
    pk = ids.take(ProgressReturn)[0]
    period_id, year, month, due_at, closes_at, opening = period
    officers, heads = people
    on_time_share, never = discipline[department]
    month_end = opening.date() - D
    if kind == "project":
        start, end = spans[subject]
        duration = max(((end or ctx.now) - start).days, 60)
        planned = min(100, round(100 * (opening - start).days / duration))
        dates, sums = paid.get(subject, ([], []))
        k = bisect.bisect_right(dates, month_end)
        cumulative = sums[k - 1] if k else Decimal("0")
    else:
        planned, cumulative = min(100, 8 * month + rng.randint(0, 4)), Decimal("0")
    behind = rng.choice([0, 0, 0, 0, 2, 5, 8, 12, 20, 30])
    actual = max(0, planned - behind)
    risk = "high" if behind >= 20 else "medium" if behind >= 10 else "low" if behind else "none"
    base = [pk, period_id, ctx.jurisdiction.pk, department, kind,
            subject if kind == "project" else None, subject if kind == "task" else None]  # fmt: skip
    officer = rng.choice(officers[department]) if officers.get(department) else None
    roll = rng.random()
    if officer is None or roll < never:
        received = None
    elif roll < never + on_time_share * (1 - never):
        received = due_at - D * rng.randint(1, 9) + dt.timedelta(hours=rng.randint(9, 17))
    else:
        received = (
            due_at + D * min(int(rng.expovariate(0.3)), 25) + dt.timedelta(hours=rng.randint(9, 17))
        )
    if received is not None and (received >= closes_at or received > ctx.now):
        received = None
    if received is None:
        return (*base, None, None, "", Decimal("0"), "", "", "none", None, 0, False, None,
                None, None, None, None, "", 1, None, "draft")  # fmt: skip
    late = lateness(received, due_at)
    head = heads.get(department)
    confirmed = received + dt.timedelta(hours=rng.randint(1, 40))
    checked = confirmed + D * rng.randint(1, 5)
    status = "accepted"
    if confirmed > ctx.now:
        status, confirmed, checked = "awaiting_head", None, None
    elif checked > ctx.now:
        status, checked = "submitted", None
    ctx.event(received, officer, "return_submit", "月报报送", subject_type="progressreturn",
              subject_id=pk, project_id=base[5], from_state="draft", to_state="awaiting_head",
              data={"period": f"{year}-{month:02d}", "version": 1, "late_days": late})  # fmt: skip
    if confirmed:
        ctx.event(confirmed, head, "return_confirm", "月报负责人确认", subject_type="progressreturn",
                  subject_id=pk, project_id=base[5], from_state="awaiting_head", to_state="submitted")  # fmt: skip
    if checked:
        ctx.event(checked, office, "return_accept", "月报审核通过", subject_type="progressreturn",
                  subject_id=pk, project_id=base[5], from_state="submitted", to_state="accepted")  # fmt: skip
    return (*base, planned, actual, rng.choice(LEDGER_TASKS) if actual else "", cumulative,
            rng.choice(PROBLEMS) if behind else "", rng.choice(PLANS), risk, received, late,
            False, officer, head if confirmed else None, confirmed, office if checked else None,
            checked, "", 1, received, status)  # fmt: skip


def _content(row):
    return {"planned_progress": row[7], "actual_progress": row[8], "milestones": row[9],
            "problems": row[11], "next_plan": row[12], "risk": row[13],
            "cumulative_paid": f"{row[10]:.2f}"}  # fmt: skip


def _notes(ctx, rng, rows, people, office):
    officers, _heads = people
    notes = []
    for row in rows:
        issued = row[21] or row[14]
        issued = issued + D
        if issued > ctx.now:
            continue
        deadline = (issued + D * 14).date()
        answered = issued + D * rng.randint(3, 25)
        department = row[3]
        officer = rng.choice(officers[department])
        pk = ids.take(DispatchNote)[0]
        if answered > ctx.now:
            state, answered = "open", None
        else:
            state = "closed" if answered + D * 3 <= ctx.now else "answered"
        closed = answered + D * 3 if state == "closed" else None
        notes.append((pk, ctx.jurisdiction.pk, department, row[5], row[0], row[6],
                      "进度滞后计划超过20个百分点，请报送赶工计划并明确完成时限。", deadline,
                      office, issued, "已制定赶工计划并增派人员。" if answered else "", "", "", "",
                      answered, officer if answered else None,
                      answered.date() if answered else None, closed, "", state))  # fmt: skip
        ctx.event(issued, office, "dispatch_note_issue", "下发调度意见", subject_type="dispatchnote",
                  subject_id=pk, project_id=row[5], to_state="open")  # fmt: skip
        if answered:
            ctx.event(answered, officer, "dispatch_note_answer", "调度意见答复", subject_type="dispatchnote",
                      subject_id=pk, project_id=row[5], from_state="open", to_state="answered")  # fmt: skip
        if closed:
            ctx.event(closed, office, "dispatch_note_close", "调度意见办结", subject_type="dispatchnote",
                      subject_id=pk, project_id=row[5], from_state="answered", to_state="closed")  # fmt: skip
    bulk_insert(
        DispatchNote,
        ("id", "jurisdiction_id", "department_id", "project_id", "ret_id", "plan_item_id",
         "instruction", "deadline", "issued_by_id", "issued_at", "reply", "evidence_name",
         "evidence_file", "evidence_sha256", "answered_at", "answered_by_id", "first_answered_on",
         "closed_at", "last_reason", "status"),
        notes,
    )  # fmt: skip


@dataset_check
def returns_keep_the_definition(scale):
    """Late days agree with the receipt time, and the frozen counts with the rows."""
    problems = []
    for period in ReportingPeriod.objects.all().iterator():
        n = ProgressReturn.objects.filter(period=period).count()
        if n != period.owed_count:
            problems.append(
                f"{period.jurisdiction_id} {period}: owed {period.owed_count} != {n} rows"
            )
    sample = ProgressReturn.objects.filter(received_at__isnull=False).select_related("period")[
        :2000
    ]
    for r in sample:
        if lateness(r.received_at, r.period.due_at) != r.late_days:
            problems.append(f"return {r.pk}: late_days {r.late_days} disagrees with its receipt")
    return problems
