"""Rounds of final acceptance (终验): the department applies (R8), the acceptance review runs on
the review engine's acceptance occasion (发改, 工信, 财政 opinions and an expert panel), and the
office records the decision: accepted (the project enters its year's audit list) or
rectification (each finding becomes a register item; re-applying opens the next round)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.models import Role
from core.permissions import WorkflowError
from core.selectors import department_users, jurisdiction_users
from core.services import notify
from core.workflow import _fire
from projects.workflow import LIFECYCLE as PROJECT
from review.models import Outcome, Review, ReviewRound
from review.services import review_open

from .. import checklist
from ..models import AcceptanceRound, AuditEntry, RectificationItem
from .register import new_item

# The project transition each recorded acceptance decision fires.
DECISION_ACTIONS = {
    AcceptanceRound.Decision.ACCEPT: "accept",
    AcceptanceRound.Decision.RECTIFY: "require_rectification",
}


@dataclass(frozen=True)
class Finding:
    description: str
    deadline: dt.date
    owner: str


def _acceptance_round(project, by) -> ReviewRound:
    """The jurisdiction's acceptance batch of the year (one per year, created on first use)."""
    year = timezone.localdate().year
    found = ReviewRound.objects.filter(
        jurisdiction_id=project.jurisdiction_id, occasion="acceptance", year=year
    ).first()
    return found or ReviewRound.objects.create(
        jurisdiction_id=project.jurisdiction_id,
        occasion="acceptance",
        kind=ReviewRound.Kind.ADHOC,
        year=year,
        batch=1,
        name=f"{year}年度项目竣工验收",
        created_by=by,
    )


def acceptance_request(*, project, final_progress, by, summary="") -> AcceptanceRound:
    """The department applies for final acceptance: R8 on the locked project, then the next
    round and its acceptance review, in one transaction."""
    if final_progress is None or not 0 <= final_progress <= 100:
        raise WorkflowError("最终形象进度须在 0 到 100 之间")
    with transaction.atomic():
        project = _fire(
            PROJECT,
            project,
            "request_acceptance",
            by=by,
            comment=summary,
            context={"final_progress": final_progress},
        )
        lines = checklist.checklist(project, final_progress=final_progress)
        review = review_open(
            project=project, by=by, round=_acceptance_round(project, by), occasion="acceptance"
        )
        last = project.acceptance_rounds.aggregate(n=Max("number"))["n"] or 0
        round_ = AcceptanceRound.objects.create(
            project=project,
            number=last + 1,
            review=review,
            final_progress=final_progress,
            summary=(summary or "").strip(),
            checklist=[line.as_json() for line in lines],
            requested_by=by,
            requested_at=timezone.now(),
        )
        audit_record(
            by=by,
            subject=round_,
            project=project,
            action="acceptance_request",
            action_label=f"提交第{round_.number}轮验收申请",
            data={"final_progress": final_progress, "checklist": round_.checklist},
        )
    notify(
        users=jurisdiction_users(project, Role.OFFICE),
        text=f"验收申请待组织验收评审（第{round_.number}轮）：{project.name}",
        url=f"/acceptance/projects/{project.pk}/",
    )
    return round_


def _checked_findings(findings) -> list[Finding]:
    checked = []
    for index, f in enumerate(findings or [], start=1):
        if not f.description.strip() or not f.owner.strip():
            raise WorkflowError(f"第{index}项问题须填写问题描述和整改责任人")
        if f.deadline is None or f.deadline <= timezone.localdate():
            raise WorkflowError(f"第{index}项问题的整改期限须晚于今天")
        checked.append(Finding(f.description.strip(), f.deadline, f.owner.strip()))
    return checked


def acceptance_decide(*, round, decision, opinion, by, findings=()) -> AcceptanceRound:
    """The office records the acceptance panel's result on the round's open review."""
    if decision not in AcceptanceRound.Decision.values:
        raise WorkflowError("请选择验收结论")
    if not (opinion or "").strip():
        raise WorkflowError("请填写验收意见")
    rectify = decision == AcceptanceRound.Decision.RECTIFY
    findings = _checked_findings(findings) if rectify else []
    with transaction.atomic():
        project = _fire(
            PROJECT,
            round.project,
            DECISION_ACTIONS[decision],
            by=by,
            comment=opinion,
            context={"round": round, "findings": findings},
        )
        now = timezone.now()
        round_ = AcceptanceRound.objects.select_for_update().get(pk=round.pk)
        round_.decision, round_.opinion = decision, opinion.strip()
        round_.decided_by, round_.decided_at = by, now
        round_.save()
        Review.objects.filter(pk=round_.review_id).update(
            status=Review.Status.DECIDED,
            decision=Outcome.SEND_BACK if rectify else Outcome.APPROVE,
            decided_at=now,
            decided_by=by,
            decision_comment=round_.opinion,
        )
        for f in findings:
            new_item(
                by=by,
                project=project,
                department=project.department,
                source=RectificationItem.Source.ACCEPTANCE,
                description=f.description,
                deadline=f.deadline,
                owner=f.owner,
                acceptance_round=round_,
            )
        if not rectify:
            _enter_audit_list(project, by, timezone.localdate(now))
        audit_record(
            by=by,
            subject=round_,
            project=project,
            action="acceptance_decide",
            action_label=f"记录第{round_.number}轮验收结论",
            to_state=decision,
            comment=round_.opinion,
            data={"findings": [f.description for f in findings]},
        )
    text = f"验收结论：{project.name} {round_.get_decision_display()}"
    if findings:
        text += f"，{len(findings)}项问题须限期整改"
    notify(users=department_users(project), text=text, url=f"/acceptance/projects/{project.pk}/")
    return round_


def _enter_audit_list(project, by, day):
    """Accepted projects enter the audit plan list of their acceptance year (004:99)."""
    entry = AuditEntry.objects.create(
        project=project, jurisdiction_id=project.jurisdiction_id, year=day.year, accepted_on=day
    )
    audit_record(
        by=by,
        subject=entry,
        project=project,
        action="audit_list_enter",
        action_label=f"纳入{day.year}年度审计计划清单",
    )
    notify(
        users=jurisdiction_users(project, Role.AUDITOR),
        text=f"已验收项目纳入{day.year}年度审计计划清单：{project.name}",
        url=f"/acceptance/audit/?year={day.year}",
    )
