"""Post-evaluation (后评价): the office starts it on an accepted project (a review on the
post-evaluation occasion, scored by an expert panel drawn with ``panel_draw``) and completes
it with the panel's score and its grade. The project's transitions go through the
``projects.services`` services; the ``evaluation_scored`` guard is checked here."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import Role
from core.permissions import WorkflowError, require
from core.selectors import department_users
from core.services import notify
from projects import services as project_services
from projects.workflow import evaluation_scored

from .. import evaluation as ev
from ..models import Grade, Occasion, Panel, PostEvaluation, Review, ReviewRound
from ..permissions import can_manage_review
from .rounds import review_open


def _evaluation_round(project, by) -> ReviewRound:
    """The jurisdiction's post-evaluation batch of the year (created on first use)."""
    year = timezone.localdate().year
    round_, _ = ReviewRound.objects.get_or_create(
        jurisdiction_id=project.jurisdiction_id,
        occasion=Occasion.POST_EVALUATION,
        kind=ReviewRound.Kind.ADHOC,
        year=year,
        batch=1,
        defaults={"name": f"{year}年度项目后评价", "created_by": by},
    )
    return round_


def evaluation_start(*, project, by, comment: str = "") -> PostEvaluation:
    """accepted → evaluating, with the post-evaluation review it is scored in."""
    require(can_manage_review(by, project.jurisdiction_id))
    with transaction.atomic():
        project = project_services.project_start_evaluation(project=project, by=by, comment=comment)
        review = review_open(
            project=project,
            by=by,
            round=_evaluation_round(project, by),
            occasion=Occasion.POST_EVALUATION,
        )
        _, facts = ev.evaluation_state(project)
        evaluation = PostEvaluation.objects.create(
            project=project,
            review=review,
            accepted_at=facts["accepted_at"],
            started_at=timezone.now(),
            started_by=by,
        )
    notify(
        users=department_users(project, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"项目已启动后评价：{project.name}",
        url=f"/review/evaluations/{evaluation.pk}/",
    )
    return evaluation


@evaluation_scored.register
def panel_scored(project, by, context):
    evaluation = ev.open_evaluation(project)
    if evaluation is None:
        return "该项目没有进行中的后评价"
    panel = getattr(evaluation.review, "panel", None)
    if panel is None:
        return "后评价尚未抽取专家组"
    if not panel.closed_at or panel.score is None:
        return "后评价专家评分尚未结束，不能完成后评价"
    return None


def evaluation_complete(*, evaluation, by, conclusion: str) -> PostEvaluation:
    """evaluating → evaluated: the panel's score, its grade and the office's conclusion."""
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise WorkflowError("请填写后评价结论与建议")
    with transaction.atomic():
        project = project_services.project_complete_evaluation(
            project=evaluation.project, by=by, comment=conclusion
        )
        evaluation = PostEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        review = Review.objects.select_for_update(of=("self",)).get(pk=evaluation.review_id)
        now = timezone.now()
        evaluation.score = Panel.objects.get(review=review).score
        evaluation.grade = ev.grade_for(evaluation.score)
        evaluation.completed_at, evaluation.completed_by = now, by
        evaluation.conclusion = conclusion
        evaluation.save()
        review.status, review.decided_at, review.decided_by = Review.Status.DECIDED, now, by
        review.decision_comment = conclusion
        review.save(update_fields=["status", "decided_at", "decided_by", "decision_comment"])
        grade = Grade(evaluation.grade).label
        audit_record(
            by=by,
            subject=evaluation,
            project=project,
            action="evaluation_complete",
            action_label="记录后评价结果",
            to_state=evaluation.grade,
            comment=conclusion,
            data={"score": evaluation.score, "grade": grade},
        )
    notify(
        users=department_users(project, Role.DEPT_OFFICER, Role.DEPT_HEAD),
        text=f"后评价已完成：{project.name}，得分 {evaluation.score}，等级 {grade}",
        url=f"/review/evaluations/{evaluation.pk}/",
    )
    return evaluation
