"""Post-evaluation (后评价, SPEC §3/§4): the office's evaluation of an accepted project,
scored by an expert panel on the review engine's post-evaluation occasion.

Kept apart from ``models.py`` for size; ``review.models`` re-exports every model here."""

from django.conf import settings
from django.db import models
from django.db.models import Q

USER = settings.AUTH_USER_MODEL


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class PostEvaluation(models.Model):
    """One post-evaluation of one project: started, scored by its panel, completed."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="post_evaluations",
    )
    review = models.OneToOneField(
        "review.Review", verbose_name="评审", on_delete=models.PROTECT, related_name="evaluation"
    )
    accepted_at = models.DateTimeField("验收通过时间", null=True, blank=True)
    started_at = models.DateTimeField("启动时间")
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("评价得分", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("评价等级", max_length=16, choices=Grade.choices, blank=True)
    conclusion = models.TextField("评价结论与建议", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目后评价"
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(completed_at__isnull=True),
                name="one_open_post_evaluation",
            ),
            models.CheckConstraint(
                name="completed_evaluation_scored",
                condition=Q(completed_at__isnull=True) | (Q(score__isnull=False) & ~Q(grade="")),
            ),
        ]

    def __str__(self):
        return f"{self.project} · 后评价"
