"""The expert pool (专家库) and the panels drawn from it (SPEC §4 expert scoring).

Kept apart from ``models.py`` for size; ``review.models`` re-exports every model here."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import Jurisdiction, Organisation

USER = settings.AUTH_USER_MODEL


class Expert(models.Model):
    """A member of the expert pool (专家库)."""

    user = models.OneToOneField(USER, verbose_name="用户", on_delete=models.PROTECT)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="所属专家库", on_delete=models.PROTECT
    )
    employer = models.ForeignKey(
        Organisation, verbose_name="工作单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("职称", max_length=32, blank=True)
    speciality = models.CharField("专业领域", max_length=64, blank=True)
    conflicts = models.ManyToManyField(
        Organisation, verbose_name="申报回避单位", blank=True, related_name="+"
    )
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审专家"
        ordering = ["id"]

    def __str__(self):
        return str(self.user)


class Panel(models.Model):
    """The expert panel drawn for one review."""

    review = models.OneToOneField("review.Review", on_delete=models.CASCADE, related_name="panel")
    drawn_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    score = models.DecimalField("专家评分", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家组"

    def __str__(self):
        return f"专家组 · {self.review.project}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="panel_seats")
    assigned_at = models.DateTimeField("抽取时间")
    replaced_at = models.DateTimeField("替换时间", null=True, blank=True)
    replaced_reason = models.TextField("替换理由", blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    total = models.DecimalField("加权得分", max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家组成员"
        ordering = ["panel", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="expert_once_per_panel")
        ]

    def __str__(self):
        return f"{self.expert} · {self.panel}"


class Score(models.Model):
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField("指标", max_length=24)
    criterion_name = models.CharField("指标名称", max_length=32)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    value = models.DecimalField("得分（百分制）", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "专家评分"
        ordering = ["member", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                name="score_in_range", condition=Q(value__gte=0) & Q(value__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.criterion_name} {self.value}"
