"""Review rounds (batches with an application window) and opening a project's review."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import Organisation, ReviewFunction, Role
from core.permissions import WorkflowError, require
from core.selectors import department_users, organisation_users
from core.services import notify
from core.workflow import _fire
from projects.workflow import LIFECYCLE as PROJECT

from .. import selectors
from ..models import (
    Review,
    ReviewRound,
    ReviewTask,
)
from ..permissions import can_manage_review


def _review_url(review):
    return f"/review/{review.pk}/"


@transaction.atomic
def round_create(
    *,
    jurisdiction,
    kind,
    year,
    batch,
    by,
    opens_on=None,
    closes_on=None,
    occasion="approval",
    name="",
) -> ReviewRound:
    require(can_manage_review(by, jurisdiction.pk))
    if kind == ReviewRound.Kind.ANNUAL and not (opens_on and closes_on):
        raise WorkflowError("年度集中申报批次须设定申报窗口的起止日期")
    if opens_on and closes_on and closes_on < opens_on:
        raise WorkflowError("申报窗口截止日期不能早于开始日期")
    if ReviewRound.objects.filter(
        jurisdiction=jurisdiction, occasion=occasion, kind=kind, year=year, batch=batch
    ).exists():
        raise WorkflowError(f"{year}年第{batch}批已存在")
    if not name:
        name = (
            f"{year}年度集中申报第{batch}批"
            if kind == ReviewRound.Kind.ANNUAL
            else f"{year}年临时个别项目第{batch}批"
        )
    round_ = ReviewRound.objects.create(
        jurisdiction=jurisdiction,
        occasion=occasion,
        kind=kind,
        year=year,
        batch=batch,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    audit_record(
        by=by,
        subject=round_,
        action="round_create",
        action_label="设立评审批次",
        comment=name,
        data={"opens_on": opens_on, "closes_on": closes_on},
    )
    return round_


def _round_for(project, by) -> ReviewRound:
    """Annual projects join the round whose window held their submission; others ad hoc."""
    year = timezone.localdate().year
    if project.channel == "annual":
        day = timezone.localdate(project.submitted_at) if project.submitted_at else None
        found = selectors.open_application_round(jurisdiction_id=project.jurisdiction_id, on=day)
        if found:
            return found
    found = (
        ReviewRound.objects.filter(
            jurisdiction_id=project.jurisdiction_id, occasion="approval", kind="adhoc", year=year
        )
        .order_by("-batch")
        .first()
    )
    return found or ReviewRound.objects.create(
        jurisdiction_id=project.jurisdiction_id,
        occasion="approval",
        kind="adhoc",
        year=year,
        batch=1,
        name=f"{year}年临时个别项目第1批",
        created_by=by,
    )


def review_open(*, project, by, round=None, occasion="approval") -> Review:
    """Put an accepted project in a round and assign its required opinions (SPEC §4).

    Called by ``review_accept`` inside its transaction.
    """
    round_ = round or _round_for(project, by)
    now = timezone.now()
    review = Review.objects.create(
        project=project, round=round_, occasion=occasion, opened_at=now, opened_by=by
    )
    functions = selectors.required_functions(project=project, occasion=occasion)
    for function in functions:
        unit = Organisation.objects.filter(
            jurisdiction_id=project.jurisdiction_id, review_function=function
        ).first()
        if unit is None:
            raise WorkflowError(
                f"本辖区未设置出具{ReviewFunction(function).label}的审查单位，无法分派意见"
            )
        ReviewTask.objects.create(
            review=review, function=function, organisation=unit, assigned_at=now
        )
        notify(
            users=organisation_users(unit.pk, Role.REVIEWER),
            text=f"请出具{ReviewFunction(function).label}：{project.name}",
            url=_review_url(review),
        )
    audit_record(
        by=by,
        subject=review,
        project=project,
        action="review_open",
        action_label="进入评审批次",
        comment=round_.name,
        data={"functions": functions},
    )
    return review


def review_accept(*, project, by, comment: str = "", round=None):
    """Accept a submitted project for joint review (受理): fire ``accept_for_review`` and open
    its review in one transaction. The project page's button calls this (see apps.py)."""
    with transaction.atomic():
        project = _fire(PROJECT, project, "accept_for_review", by=by, comment=comment)
        review_open(project=project, by=by, round=round)
    notify(
        users=department_users(project, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"项目已受理，进入项目联审：{project.name}",
        url=f"/projects/{project.pk}/",
    )
    return project
