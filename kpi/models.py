"""Reporting periods with their frozen set of owed returns, returns and their versions,
dispatch notes and the reminder log (SPEC §7)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Jurisdiction, Organisation

from .querysets import NoteQuerySet, ReturnQuerySet
from .workflow import NoteWorkflow, ReturnWorkflow


class DispatchConfig(models.Model):
    """Per-jurisdiction settings of monthly dispatch; a jurisdiction without a row uses the
    defaults of the fields (``config_for``)."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+"
    )
    due_day = models.PositiveSmallIntegerField(
        "报送截止日（次月第几日）", default=10, help_text="超过次月天数时按次月最后一天"
    )
    close_after_days = models.PositiveSmallIntegerField("截止后仍可补报天数", default=10)
    requires_head = models.BooleanField("月报须单位负责人确认", default=True)
    reminder_interval_hours = models.PositiveSmallIntegerField("提醒间隔（小时）", default=24)
    escalate_after_days = models.PositiveSmallIntegerField("逾期几天后提醒单位负责人", default=3)

    class Meta:
        verbose_name = verbose_name_plural = "月调度设置"

    def __str__(self):
        return f"{self.jurisdiction}月调度设置"


def config_for(jurisdiction) -> DispatchConfig:
    found = DispatchConfig.objects.filter(jurisdiction=jurisdiction).first()
    return found or DispatchConfig(jurisdiction=jurisdiction)


class ReportingPeriod(models.Model):
    """One month of one jurisdiction. ``due_at`` is the first instant that is late (midnight
    after the due day); ``closes_at`` the first instant filing is refused."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    due_at = models.DateTimeField("报送截止")
    closes_at = models.DateTimeField("填报关闭")
    requires_head = models.BooleanField("须负责人确认", default=True)
    opened_at = models.DateTimeField("开启时间", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开启人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owed_count = models.PositiveIntegerField("应报数（开启时冻结）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "填报期"
        ordering = ["-year", "-month", "jurisdiction"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "month"], name="period_one_per_month"
            ),
            models.CheckConstraint(name="period_month_range", condition=Q(month__range=(1, 12))),
            models.CheckConstraint(
                name="period_closes_after_due", condition=Q(closes_at__gte=models.F("due_at"))
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def due_date(self):
        """The due day itself (the last day that is on time)."""
        import datetime as dt

        return timezone.localtime(self.due_at).date() - dt.timedelta(days=1)

    @property
    def due_text(self) -> str:
        return f"{self.due_date:%Y-%m-%d}"

    @property
    def closes_text(self) -> str:
        return f"{timezone.localtime(self.closes_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.closes_at


RISK_CHOICES = [("none", "无"), ("low", "低"), ("medium", "中"), ("high", "高")]


class ProgressReturn(ReturnWorkflow):
    """进度月报: one per active project (or annual task) per period, owed from the opening."""

    class Kind(models.TextChoices):
        PROJECT = "project", "项目"
        TASK = "task", "年度任务"

    period = models.ForeignKey(
        ReportingPeriod, verbose_name="填报期", on_delete=models.PROTECT, related_name="returns"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Organisation, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_returns",
    )
    plan_item = models.ForeignKey(
        "projects.AnnualPlanItem",
        verbose_name="年度任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_returns",
    )
    planned_progress = models.PositiveSmallIntegerField("计划进度（%）", null=True, blank=True)
    actual_progress = models.PositiveSmallIntegerField("实际进度（%）", null=True, blank=True)
    milestones = models.CharField("本月完成节点", max_length=300, blank=True)
    cumulative_paid = models.DecimalField(
        "累计支付（元）", max_digits=14, decimal_places=2, default=Decimal("0")
    )
    problems = models.TextField("存在问题", blank=True)
    next_plan = models.TextField("下月计划", blank=True)
    risk = models.CharField("风险等级", max_length=8, choices=RISK_CHOICES, default="none")

    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    late_days = models.PositiveSmallIntegerField("逾期天数", default=0)
    resubmitted_at = models.DateTimeField("最近重新报送", null=True, blank=True)
    via_import = models.BooleanField("经 Excel 导入", default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人确认",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField("审核时间", null=True, blank=True)
    last_reason = models.TextField("最近退回/重新打开理由", blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    saved_at = models.DateTimeField("最近保存", null=True, blank=True)

    objects = ReturnQuerySet.as_manager()
    RISK_CHOICES = RISK_CHOICES

    EDITABLE_FIELDS = [
        "planned_progress",
        "actual_progress",
        "milestones",
        "problems",
        "next_plan",
        "risk",
    ]
    REQUIRED_FIELDS = ["planned_progress", "actual_progress", "next_plan"]

    class Meta:
        verbose_name = verbose_name_plural = "进度月报"
        ordering = ["period", "department", "kind", "pk"]
        indexes = [
            models.Index(fields=["period", "department", "status"]),
            models.Index(fields=["period", "status"]),
            models.Index(fields=["department", "period"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "project"],
                condition=Q(project__isnull=False),
                name="return_one_per_project_period",
            ),
            models.UniqueConstraint(
                fields=["period", "plan_item"],
                condition=Q(plan_item__isnull=False),
                name="return_one_per_task_period",
            ),
            models.CheckConstraint(
                name="return_project_xor_task",
                condition=(Q(kind="project", project__isnull=False, plan_item__isnull=True))
                | (Q(kind="task", project__isnull=True, plan_item__isnull=False)),
            ),
            models.CheckConstraint(
                name="return_progress_range",
                condition=(Q(planned_progress__isnull=True) | Q(planned_progress__lte=100))
                & (Q(actual_progress__isnull=True) | Q(actual_progress__lte=100)),
            ),
            models.CheckConstraint(
                name="return_paid_non_negative", condition=Q(cumulative_paid__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.subject_name}"

    @property
    def subject_name(self) -> str:
        return self.project.name if self.project_id else self.plan_item.name

    @property
    def subject_code(self) -> str:
        if self.project_id:
            return self.project.code or f"P{self.project_id}"
        return f"{self.plan_item.plan.year}-{self.plan_item.code}"

    @property
    def period_key(self) -> str:
        return self.period.key

    @property
    def gap(self):
        """Progress gap against plan, in percentage points (positive: behind)."""
        if self.planned_progress is None or self.actual_progress is None:
            return None
        return self.planned_progress - self.actual_progress

    def missing_fields(self) -> list[str]:
        labels = []
        for name in self.REQUIRED_FIELDS:
            value = getattr(self, name)
            if value is None or value == "":
                labels.append(str(self._meta.get_field(name).verbose_name))
        return labels

    def snapshot(self) -> dict:
        data = {f: getattr(self, f) for f in self.EDITABLE_FIELDS}
        data["cumulative_paid"] = f"{Decimal(self.cumulative_paid):.2f}"
        return data


class ReturnVersion(models.Model):
    """The content of a return as it was accepted; reopening starts the next version."""

    ret = models.ForeignKey(
        ProgressReturn, verbose_name="月报", on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField("版本")
    content = models.JSONField("内容")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField("审核时间")

    class Meta:
        verbose_name = verbose_name_plural = "月报版本"
        ordering = ["ret", "version"]
        constraints = [
            models.UniqueConstraint(fields=["ret", "version"], name="return_version_unique")
        ]

    def __str__(self):
        return f"{self.ret} 第{self.version}版"


class DispatchNote(NoteWorkflow):
    """调度意见/督办: an instruction from the office to a department, with a deadline."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Organisation, verbose_name="督办单位", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch_notes",
    )
    ret = models.ForeignKey(
        ProgressReturn,
        verbose_name="月报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
    )
    plan_item = models.ForeignKey(
        "projects.AnnualPlanItem",
        verbose_name="年度任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instruction = models.TextField("调度意见")
    deadline = models.DateField("办理期限")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下发人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("下发时间", default=timezone.now)
    reply = models.TextField("落实情况", blank=True)
    evidence_name = models.CharField("佐证材料", max_length=200, blank=True)
    evidence_file = models.FileField("佐证文件", upload_to="dispatch/", blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_answered_on = models.DateField("首次答复日期", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    last_reason = models.TextField("最近退回理由", blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调度意见"
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["jurisdiction", "department", "status"])]

    def __str__(self):
        return f"调度意见 #{self.pk}"

    @property
    def subject_text(self) -> str:
        if self.project_id:
            return self.project.name
        if self.plan_item_id:
            return self.plan_item.name
        return "综合"


class Reminder(models.Model):
    """One reminder or escalation sent to a user for a period (spacing by interval)."""

    class Kind(models.TextChoices):
        REMIND = "remind", "催报提醒"
        ESCALATE = "escalate", "逾期提醒负责人"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    returns = models.PositiveIntegerField("涉及月报数")
    sent_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = verbose_name_plural = "催报记录"
        indexes = [models.Index(fields=["user", "period", "kind", "-sent_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user} {self.sent_at:%Y-%m-%d %H:%M}"
