"""O&M funding rounds (运维经费, SPEC §6): finance opens a year's round; a department applies
for its projects in service; finance grants (R9 passes, the pool holds: an O&M budget line of
that year) or denies (the failing R9 rules with their basis, or finance's own reason)."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import Role
from core.permissions import WorkflowError, require
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from core.workflow import _fire
from projects.models import Project

from .. import permissions as can
from ..models import BudgetLine, OmApplication, OmRound
from ..om_rules import OM_STATES, r9_results
from ..om_workflow import LIFECYCLE as OM
from ..rules import lock_funds
from .common import checked_amount
from .funds import _create_lines


def _url(application):
    return f"/budget/om/applications/{application.pk}/"


@transaction.atomic
def om_round_create(*, jurisdiction, year: int, opens_on, closes_on, by, name="") -> OmRound:
    require(can.can_manage_fund(by, jurisdiction.pk))
    if not 2000 <= int(year or 0) <= 2100:
        raise WorkflowError("请填写正确的经费年度")
    if not (opens_on and closes_on):
        raise WorkflowError("请填写申请开始和截止日期")
    if closes_on < opens_on:
        raise WorkflowError("申请截止日期不能早于开始日期")
    if OmRound.objects.filter(jurisdiction=jurisdiction, year=year).exists():
        raise WorkflowError(f"{year}年度运维经费批次已设立")
    round_ = OmRound.objects.create(
        jurisdiction=jurisdiction,
        year=year,
        name=name.strip() or f"{year}年度政务信息系统运维经费",
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    audit_record(
        by=by,
        subject=round_,
        action="om_round_create",
        action_label="设立运维经费批次",
        comment=round_.name,
        data={"year": year, "opens_on": opens_on, "closes_on": closes_on},
    )
    return round_


@transaction.atomic
def om_apply(*, round, project, amount, purpose: str, by) -> OmApplication:
    """A draft application; submitting it (``om_submit``) checks the window and the state."""
    draft = OmApplication(round=round, project=project, amount=0, purpose="", created_by=by)
    require(can.can_apply_om(by, draft))
    if project.jurisdiction_id != round.jurisdiction_id:
        raise WorkflowError("只能申请本辖区的运维经费批次")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in OM_STATES:
        raise WorkflowError(
            f"项目当前状态为“{project.get_status_display()}”，只有已验收或已后评价的项目可以申请运维经费"
        )
    draft.amount = checked_amount(amount, "申请金额")
    draft.purpose = (purpose or "").strip()
    if not draft.purpose:
        raise WorkflowError("请填写运维内容")
    if OmApplication.objects.filter(round=round, project=project).exists():
        raise WorkflowError(f"该项目已申请{round.year}年度运维经费")
    draft.save()
    audit_record(
        by=by,
        subject=draft,
        project=project,
        action="om_apply",
        action_label="填写运维经费申请",
        data={"round": round.pk, "amount": draft.amount},
    )
    return draft


def om_submit(*, application, by) -> OmApplication:
    a = _fire(OM, application, "submit", by=by)
    notify(
        users=jurisdiction_users(a.project, Role.FINANCE),
        text=f"运维经费申请待审核：{a.project.name}",
        url=_url(a),
    )
    return a


def om_withdraw(*, application, by) -> OmApplication:
    return _fire(OM, application, "withdraw", by=by)


def _decided(by, results):
    def after(a):
        a.r9_results = [r.as_json() for r in results]
        a.decided_by, a.decided_at = by, timezone.now()

    return after


@transaction.atomic
def om_grant(*, application, amount, by, comment="") -> OmApplication:
    """Grant: R9 passes and the year's pool holds ``amount``; creates the O&M budget line."""
    amount = checked_amount(amount, "安排金额")
    current = OmApplication.objects.select_related("round", "project").get(pk=application.pk)
    require(can.can_decide_om(by, current))
    funds = lock_funds(current.project, [current.round.year])  # before the rows, always
    results = r9_results(current.project)
    decided = _decided(by, results)

    def after(a):
        decided(a)
        a.granted_amount = amount
        a.budget_line = _create_lines(
            project=a.project,
            allocations=[(a.round.year, amount)],
            funds=funds,
            kind=BudgetLine.Kind.OM,
            by=by,
        )[0]

    a = _fire(
        OM,
        application,
        "grant",
        by=by,
        comment=comment,
        context={"amount": amount, "funds": funds},
        after=after,
    )
    notify(
        users=department_users(a.project),
        text=f"运维经费已安排：{a.project.name}",
        url=_url(a),
    )
    return a


def om_deny(*, application, by, reason: str = "") -> OmApplication:
    """Deny: the failing R9 rules, each with its basis, then finance's own reason (required
    when R9 passes)."""
    current = OmApplication.objects.select_related("project").get(pk=application.pk)
    results = r9_results(current.project)
    reason = (reason or "").strip()
    text = "；".join([r.text for r in results if not r.passed] + ([reason] if reason else []))
    a = _fire(OM, application, "deny", by=by, comment=text, after=_decided(by, results))
    notify(
        users=department_users(a.project),
        text=f"运维经费申请不予安排：{a.project.name}",
        url=_url(a),
    )
    return a


ACTION_SERVICES = {
    "submit": lambda a, by, data: om_submit(application=a, by=by),
    "withdraw": lambda a, by, data: om_withdraw(application=a, by=by),
    "grant": lambda a, by, data: om_grant(
        application=a, amount=data.get("amount"), by=by, comment=data.get("comment", "")
    ),
    "deny": lambda a, by, data: om_deny(application=a, by=by, reason=data.get("comment", "")),
}
