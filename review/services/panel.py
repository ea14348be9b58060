"""The expert panel: drawing, replacing, scoring and closing."""

import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.permissions import WorkflowError, require
from core.services import notify

from .. import selectors
from ..models import (
    Expert,
    Panel,
    PanelMember,
    Review,
    Score,
)
from ..permissions import can_manage_review, can_score
from ..recusal import experts_without_conflict

TWO = Decimal("0.01")


def eligible_experts(review):
    """The jurisdiction's active pool minus the experts in conflict with the applicant."""
    pool = Expert.objects.filter(jurisdiction_id=review.project.jurisdiction_id, active=True)
    return experts_without_conflict(pool, review.project).select_related("user").order_by("id")


@transaction.atomic
def panel_draw(*, review, size, by, rng=None) -> Panel:
    review = Review.objects.select_for_update().select_related("project").get(pk=review.pk)
    require(can_manage_review(by, review.project.jurisdiction_id))
    if review.status != Review.Status.OPEN:
        raise WorkflowError("评审已结束，不能抽取专家")
    if Panel.objects.filter(review=review).exists():
        raise WorkflowError("该项目已抽取专家组")
    if size < 1:
        raise WorkflowError("专家人数至少为1人")
    candidates = list(eligible_experts(review))
    if len(candidates) < size:
        raise WorkflowError(f"符合回避要求的专家只有{len(candidates)}人，不足{size}人")
    chosen = (rng or random.SystemRandom()).sample(candidates, size)
    now = timezone.now()
    panel = Panel.objects.create(review=review, drawn_by=by, drawn_at=now)
    PanelMember.objects.bulk_create(
        PanelMember(panel=panel, expert=e, assigned_at=now) for e in chosen
    )
    audit_record(
        by=by,
        subject=panel,
        project=review.project,
        action="panel_draw",
        action_label="随机抽取评审专家",
        data={"experts": [str(e) for e in chosen]},
    )
    notify(
        users=[e.user for e in chosen],
        text=f"您被抽取为评审专家：{review.project.name}",
        url="/review/mine/",
    )
    return panel


@transaction.atomic
def panel_replace(*, member, reason, by) -> PanelMember:
    """Replace a drawn expert with another random eligible one, stating why."""
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__review__project", "expert__user")
        .get(pk=member.pk)
    )
    review = member.panel.review
    require(can_manage_review(by, review.project.jurisdiction_id))
    if not reason.strip():
        raise WorkflowError("替换专家须说明理由")
    if member.replaced_at or member.scored_at or member.panel.closed_at:
        raise WorkflowError("只能替换尚未评分的在组专家")
    taken = member.panel.members.values("expert_id")
    candidates = list(eligible_experts(review).exclude(pk__in=taken))
    if not candidates:
        raise WorkflowError("专家库中没有可替换的符合回避要求的专家")
    now = timezone.now()
    member.replaced_at, member.replaced_reason = now, reason.strip()
    member.save(update_fields=["replaced_at", "replaced_reason"])
    new = PanelMember.objects.create(
        panel=member.panel, expert=random.SystemRandom().choice(candidates), assigned_at=now
    )
    audit_record(
        by=by,
        subject=member.panel,
        project=review.project,
        action="panel_replace",
        action_label="替换评审专家",
        comment=reason.strip(),
        data={"out": str(member.expert), "in": str(new.expert)},
    )
    notify(
        users=[new.expert.user],
        text=f"您被抽取为评审专家：{review.project.name}",
        url="/review/mine/",
    )
    return new


@transaction.atomic
def score_submit(*, member, values: dict, by, comment="") -> PanelMember:
    """Record an expert's score per criterion; the weighted total is kept on the seat."""
    member = (
        PanelMember.objects.select_for_update()
        .select_related("panel__review__project", "expert")
        .get(pk=member.pk)
    )
    require(can_score(by, member))
    project = member.panel.review.project
    criteria = selectors.criteria_for(
        jurisdiction_id=project.jurisdiction_id, occasion=member.panel.review.occasion
    )
    rows = []
    for code, name, weight in criteria:
        value = values.get(code)
        if value is None:
            raise WorkflowError(f"请为“{name}”评分")
        value = Decimal(value)
        if not Decimal(0) <= value <= Decimal(100):
            raise WorkflowError(f"“{name}”得分须在0到100之间")
        rows.append(
            Score(member=member, criterion=code, criterion_name=name, weight=weight, value=value)
        )
    weights = sum(r.weight for r in rows)
    total = sum(r.value * r.weight for r in rows) / weights
    Score.objects.bulk_create(rows)
    member.total = total.quantize(TWO, ROUND_HALF_UP)
    member.scored_at, member.comment = timezone.now(), comment.strip()
    member.save(update_fields=["total", "scored_at", "comment"])
    audit_record(
        by=by,
        subject=member,
        project=project,
        action="score",
        action_label="专家评分",
        data={"total": member.total, "scores": {r.criterion: r.value for r in rows}},
    )
    return member


@transaction.atomic
def panel_close(*, panel, by) -> Panel:
    panel = Panel.objects.select_for_update().select_related("review__project").get(pk=panel.pk)
    project = panel.review.project
    require(can_manage_review(by, project.jurisdiction_id))
    if panel.closed_at:
        raise WorkflowError("专家评审已结束")
    pending = panel.members.filter(replaced_at__isnull=True, scored_at__isnull=True)
    if pending.exists():
        names = "、".join(str(m.expert) for m in pending.select_related("expert__user"))
        raise WorkflowError(f"尚有专家未评分：{names}")
    settings = selectors.settings_for(project.jurisdiction_id)
    result = selectors.panel_score(panel, settings.trim_min_panel)
    panel.closed_at, panel.score = timezone.now(), result.score
    panel.save(update_fields=["closed_at", "score"])
    audit_record(
        by=by,
        subject=panel,
        project=project,
        action="panel_close",
        action_label="结束专家评审",
        data={"score": result.score, "experts": result.count, "trimmed": result.trimmed},
    )
    return panel
