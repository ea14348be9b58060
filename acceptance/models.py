"""Completion acceptance (SPEC §3, §5 R8, §8): 初验 records, the R8 checklist documents, the
rounds of final acceptance (终验) decided through the review engine's acceptance occasion, the
annual audit list and the rectification register (问题整改)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import Jurisdiction, Organisation

from .workflow import ItemWorkflow

USER = settings.AUTH_USER_MODEL


class StoredFile(models.Model):
    """An uploaded document checked by ``core.uploads.check_upload`` (name, size, digest)."""

    document = models.FileField("文件", upload_to="acceptance/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        abstract = True


class InitialAcceptance(StoredFile):
    """初验: recorded by the office with the department; a milestone tied to it may be paid."""

    class Conclusion(models.TextChoices):
        PASSED = "passed", "通过"
        PASSED_WITH_ISSUES = "passed_with_issues", "基本通过（遗留问题限期解决）"
        FAILED = "failed", "不通过"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="initial_acceptances",
    )
    held_on = models.DateField("初验日期")
    participants = models.TextField("参加单位及人员")
    conclusion = models.CharField("初验结论", max_length=24, choices=Conclusion.choices)
    remarks = models.TextField("主要意见", blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    PASSING = [Conclusion.PASSED, Conclusion.PASSED_WITH_ISSUES]

    class Meta:
        verbose_name = verbose_name_plural = "初验记录"
        ordering = ["project", "held_on", "pk"]

    def __str__(self):
        return f"{self.project} 初验（{self.held_on}）"


class ChecklistDocument(StoredFile):
    """One R8 item's document: an assessment report (等保测评, 密评, 上线前风险评估) with its
    particulars, or a document of the archive list (归档材料)."""

    class Kind(models.TextChoices):
        MLPS = "mlps", "等保测评报告"
        CRYPTO = "crypto", "密码应用安全性评估（密评）报告"
        RISK = "risk", "上线前风险评估报告"
        ARCHIVE_APPROVAL = "archive_approval", "立项批复及评审材料"
        ARCHIVE_CONTRACT = "archive_contract", "采购合同及招投标文件"
        ARCHIVE_DESIGN = "archive_design", "设计及技术文档"
        ARCHIVE_TRIAL = "archive_trial", "试运行报告"
        ARCHIVE_INITIAL = "archive_initial", "初验报告"
        ARCHIVE_SUMMARY = "archive_summary", "项目建设总结报告"
        ARCHIVE_FINANCE = "archive_finance", "资金使用及决算报告"

    class Conclusion(models.TextChoices):
        PASS = "pass", "符合（通过）"
        BASIC = "basic", "基本符合"
        FAIL = "fail", "不符合"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="acceptance_documents",
    )
    kind = models.CharField("材料类型", max_length=24, choices=Kind.choices)
    level = models.PositiveSmallIntegerField("测评等级", null=True, blank=True)
    issuer = models.CharField("测评（评估）机构", max_length=100, blank=True)
    issued_on = models.DateField("报告日期", null=True, blank=True)
    conclusion = models.CharField("结论", max_length=8, choices=Conclusion.choices, blank=True)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    REPORTS = [Kind.MLPS, Kind.CRYPTO, Kind.RISK]
    ARCHIVE = [k for k in Kind if k.value.startswith("archive_")]

    class Meta:
        verbose_name = verbose_name_plural = "验收清单材料"
        ordering = ["project", "kind", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                name="report_level_in_range",
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"


class SharingRecord(models.Model):
    """A data resource's fulfilment of the sharing list: shared on the platform (with its
    catalogue code there) or a written justification why not (R8, 004:79)."""

    class Status(models.TextChoices):
        SHARED = "shared", "已在共享平台发布"
        JUSTIFIED = "justified", "未共享（已说明理由）"

    resource = models.OneToOneField(
        "projects.DataResource",
        verbose_name="数据资源",
        on_delete=models.CASCADE,
        related_name="sharing_record",
    )
    status = models.CharField("共享情况", max_length=16, choices=Status.choices)
    platform_code = models.CharField("共享平台目录编码", max_length=60, blank=True)
    justification = models.TextField("未共享理由", blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "数据共享落实情况"

    def __str__(self):
        return f"{self.resource}：{self.get_status_display()}"


class AcceptanceRound(models.Model):
    """One application for final acceptance (终验申请) and its decision; a project that is
    sent to rectify and re-applies gets the next round, and every round stays on record."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", "验收通过"
        RECTIFY = "rectify", "限期整改"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="acceptance_rounds",
    )
    number = models.PositiveSmallIntegerField("轮次")
    review = models.OneToOneField(
        "review.Review",
        verbose_name="验收评审",
        on_delete=models.PROTECT,
        related_name="acceptance_round",
    )
    final_progress = models.PositiveSmallIntegerField("最终形象进度（%）")
    summary = models.TextField("建设情况说明", blank=True)
    checklist = models.JSONField("申请时的验收清单", default=list)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    decision = models.CharField("验收结论", max_length=16, choices=Decision.choices, blank=True)
    opinion = models.TextField("验收意见", blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "验收轮次"
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="acceptance_round_unique"),
            models.CheckConstraint(
                name="final_progress_in_range", condition=Q(final_progress__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.project} 第{self.number}轮验收"


class AuditEntry(models.Model):
    """A project on the audit plan list of its acceptance year (004:99)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "列入计划"
        AUDITING = "auditing", "审计中"
        DONE = "done", "审计完成"
        EXEMPT = "exempt", "本年度不审计（已说明）"

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="audit_entry",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("审计计划年度")
    accepted_on = models.DateField("验收日期")
    status = models.CharField(
        "审计状态", max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    findings = models.TextField("审计发现", blank=True)
    note = models.TextField("说明", blank=True)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "年度审计清单"
        ordering = ["-year", "accepted_on", "pk"]
        indexes = [models.Index(fields=["jurisdiction", "year"], name="audit_entry_year")]

    def __str__(self):
        return f"{self.year}年审计清单：{self.project}"


class RectificationItem(ItemWorkflow):
    """A problem to fix (问题整改) with its owner, deadline, the department's response and
    evidence, and the office's closure or send-back."""

    class Source(models.TextChoices):
        ACCEPTANCE = "acceptance", "验收"
        AUDIT = "audit", "审计"
        INSPECTION = "inspection", "督查检查（四不两直）"
        OFFICE = "office", "牵头部门交办"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Organisation, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    source = models.CharField("问题来源", max_length=16, choices=Source.choices)
    acceptance_round = models.ForeignKey(
        AcceptanceRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    audit_entry = models.ForeignKey(
        AuditEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    description = models.TextField("问题描述")
    deadline = models.DateField("整改期限")
    owner = models.CharField("整改责任人", max_length=60)
    response = models.TextField("整改情况", blank=True)
    evidence = models.FileField("整改佐证材料", upload_to="rectification/%Y/%m/", blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=200, blank=True)
    evidence_sha256 = models.CharField("佐证材料 SHA-256", max_length=64, blank=True)
    responded_at = models.DateTimeField("反馈时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_reason = models.TextField("最近退回理由", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "整改事项"
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "status"], name="rect_jurisdiction_status"),
            models.Index(fields=["department", "status"], name="rect_department_status"),
        ]

    def __str__(self):
        return f"整改事项 {self.pk}：{self.description[:20]}"
