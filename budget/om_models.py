"""O&M funding rounds (运维经费, SPEC §6, R9): a yearly round per jurisdiction, and the
departments' applications for their projects in service. Kept apart from ``models.py`` for
size; ``budget.models`` re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import Jurisdiction

from .om_workflow import OmWorkflow

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class OmRound(models.Model):
    """One year's O&M funding round with its application window."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("经费年度")
    name = models.CharField("名称", max_length=100)
    opens_on = models.DateField("申请开始")
    closes_on = models.DateField("申请截止")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "运维经费批次"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="om_round_one_per_year"),
            models.CheckConstraint(
                name="om_round_window_ordered", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
        ]

    def __str__(self):
        return self.name


class OmApplication(OmWorkflow):
    """A department's application for one project's O&M funding in one round."""

    round = models.ForeignKey(
        OmRound, verbose_name="批次", on_delete=models.PROTECT, related_name="applications"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="om_applications",
    )
    amount = models.DecimalField("申请金额（元）", **MONEY)
    purpose = models.TextField("运维内容")
    granted_amount = models.DecimalField("安排金额（元）", null=True, blank=True, **MONEY)
    budget_line = models.OneToOneField(
        "budget.BudgetLine",
        verbose_name="运维经费预算安排",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="om_application",
    )
    # The R9 checks as they stood when finance decided: [{id, title, basis, passed, text}].
    r9_results = models.JSONField("R9 审核结果", default=list, blank=True)
    last_reason = models.TextField("不予安排理由", blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "运维经费申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="om_one_per_round_project"),
            models.CheckConstraint(name="om_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="om_granted_has_line",
                condition=~Q(status="granted")
                | (Q(granted_amount__gt=0) & Q(budget_line__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.round.year}年运维经费 · {self.project}"
