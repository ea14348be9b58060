"""Projects (one record carries the whole life), annual task lists and proposal detail."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import Jurisdiction, NaturalKeyManager, Organisation

from .querysets import ProjectQuerySet
from .workflow import ProjectWorkflow, State

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


class AnnualPlan(models.Model):
    """年度建设任务清单: the annual list of informatization tasks of a jurisdiction."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "年度建设任务清单"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year"], name="annual_plan_one_per_year"
            )
        ]

    def __str__(self):
        return self.title


class AnnualPlanItem(models.Model):
    plan = models.ForeignKey(
        AnnualPlan, verbose_name="清单", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("编号", max_length=16)
    name = models.CharField("任务名称", max_length=200)
    lead = models.ForeignKey(
        Organisation,
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = verbose_name_plural = "年度任务"
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_item_code_unique")
        ]

    def __str__(self):
        return f"{self.plan.year}-{self.code} {self.name}"


class CommonPlatform(models.Model):
    """共性支撑平台 that projects should reuse (统一身份认证, 电子证照 …)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32)

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = verbose_name_plural = "共性支撑平台"
        ordering = ["id"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


# 等保 levels as written in Chinese documents: 第三级, not 第3级.
PROTECTION_LEVELS = [(1, "第一级"), (2, "第二级"), (3, "第三级"), (4, "第四级")]


class Project(ProjectWorkflow):
    class Category(models.TextChoices):
        NEW = "new", "新建"
        UPGRADE = "upgrade", "升级改造"
        OPERATION = "operation", "运维"
        SERVICE = "service", "购买服务"

    class Channel(models.TextChoices):
        ANNUAL = "annual", "年度集中申报"
        ADHOC = "adhoc", "临时个别项目"

    class Deployment(models.TextChoices):
        GOV_CLOUD = "gov_cloud", "政务云"
        OWN_ROOM = "own_room", "自建机房"

    class Network(models.TextChoices):
        EXTRANET = "extranet", "电子政务外网"
        INTRANET = "intranet", "电子政务内网"
        INTERNET = "internet", "互联网（经统一出口）"

    RESTRICTED_FIELDS = [
        "builds_data_centre",
        "builds_cloud",
        "expands_cloud",
        "builds_internet_exit",
    ]

    INVESTMENT_PARTS = [
        ("invest_hardware", "硬件"),
        ("invest_software", "软件"),
        ("invest_services", "服务"),
        ("invest_security", "网络安全"),
        ("invest_crypto", "密码应用"),
        ("invest_other", "其他"),
    ]

    code = models.CharField("项目编号", max_length=32, unique=True, blank=True, null=True)
    name = models.CharField("项目名称", max_length=120)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Organisation,
        verbose_name="申报单位",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    category = models.CharField("项目类别", max_length=16, choices=Category.choices, blank=True)
    channel = models.CharField("申报渠道", max_length=16, choices=Channel.choices, blank=True)
    adhoc_justification = models.TextField("临时申报理由", blank=True)
    start_year = models.PositiveSmallIntegerField("建设起始年度", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("建设终止年度", null=True, blank=True)
    plan_item = models.ForeignKey(
        AnnualPlanItem,
        verbose_name="对应年度任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    summary = models.TextField("建设内容", blank=True)

    invest_hardware = models.DecimalField("硬件投资（元）", **MONEY)
    invest_software = models.DecimalField("软件投资（元）", **MONEY)
    invest_services = models.DecimalField("服务投资（元）", **MONEY)
    invest_security = models.DecimalField("网络安全投资（元）", **MONEY)
    invest_crypto = models.DecimalField("密码应用投资（元）", **MONEY)
    invest_other = models.DecimalField("其他投资（元）", **MONEY)
    total_investment = models.DecimalField("总投资（元）", **MONEY)
    approved_amount = models.DecimalField(
        "核定投资（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )

    protection_level = models.PositiveSmallIntegerField(
        "等保级别", null=True, blank=True, choices=PROTECTION_LEVELS
    )
    classified = models.BooleanField("涉密系统", default=False)
    deployment = models.CharField("部署方式", max_length=16, choices=Deployment.choices, blank=True)
    own_room_reason = models.TextField("自建机房例外理由", blank=True)
    own_room_interface = models.TextField(
        "自建机房开放的数据共享接口",
        blank=True,
        help_text="自建机房的系统须说明向共享平台开放的接口（接口名称、数据项、对接方式）",
    )
    network = models.CharField("运行网络", max_length=16, choices=Network.choices, blank=True)
    # Construction the plans restrict (R12): each needs an approved exception.
    builds_data_centre = models.BooleanField("新建数据中心或机房", default=False)
    builds_cloud = models.BooleanField("新建政务云平台", default=False)
    expands_cloud = models.BooleanField("扩容既有政务云平台", default=False)
    builds_internet_exit = models.BooleanField("新建或租赁互联网出口", default=False)
    restricted_reason = models.TextField("限制类建设内容例外理由", blank=True)
    common_platforms = models.ManyToManyField(
        CommonPlatform, verbose_name="复用共性平台", blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("申报时间", null=True, blank=True)
    head_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人确认",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    last_reason = models.TextField("最近退回/暂停/终止理由", blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "项目"
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "status"]),
            models.Index(fields=["jurisdiction", "-updated_at"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["department", "-updated_at"]),
            models.Index(fields=["jurisdiction", "total_investment"]),
            models.Index(fields=["start_year"]),
            models.Index(fields=["-updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="project_total_is_sum_of_parts",
                condition=Q(
                    total_investment=F("invest_hardware")
                    + F("invest_software")
                    + F("invest_services")
                    + F("invest_security")
                    + F("invest_crypto")
                    + F("invest_other")
                ),
            ),
            models.CheckConstraint(
                name="project_investment_non_negative",
                condition=Q(
                    invest_hardware__gte=0,
                    invest_software__gte=0,
                    invest_services__gte=0,
                    invest_security__gte=0,
                    invest_crypto__gte=0,
                    invest_other__gte=0,
                ),
            ),
            models.CheckConstraint(
                name="project_approved_amount_non_negative",
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
            ),
            models.CheckConstraint(
                name="project_years_ordered",
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
            ),
        ]

    def __str__(self):
        return self.name

    def compute_total(self) -> Decimal:
        return sum(
            (getattr(self, f) or Decimal("0") for f, _ in self.INVESTMENT_PARTS), Decimal("0")
        )

    def investment_breakdown(self) -> list[tuple[str, Decimal, Decimal | None]]:
        total = self.total_investment
        return [
            (label, getattr(self, name), getattr(self, name) / total if total else None)
            for name, label in self.INVESTMENT_PARTS
        ]

    @property
    def restricted_labels(self) -> list[str]:
        return [
            self._meta.get_field(name).verbose_name
            for name in self.RESTRICTED_FIELDS
            if getattr(self, name)
        ]

    @property
    def years_display(self) -> str:
        if not self.start_year:
            return ""
        if self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year)

    @property
    def security_share(self) -> Decimal | None:
        if not self.total_investment:
            return None
        return self.invest_security / self.total_investment

    @property
    def is_editable_state(self) -> bool:
        return self.status in (State.DRAFT, State.RETURNED)

    @property
    def shows_reason(self) -> bool:
        """Whether the page shows ``last_reason``: the state was entered with a reason."""
        return bool(self.last_reason) and self.status in (
            State.RETURNED,
            State.SUSPENDED,
            State.TERMINATED,
        )


class DataResource(models.Model):
    """A row of the data resource catalogue and sharing list (数据资源目录、共享清单)."""

    class SharingMode(models.TextChoices):
        UNCONDITIONAL = "unconditional", "无条件共享"
        CONDITIONAL = "conditional", "有条件共享"
        NONE = "none", "不予共享"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="data_resources")
    name = models.CharField("数据资源名称", max_length=100)
    sharing_mode = models.CharField("共享方式", max_length=16, choices=SharingMode.choices)
    consumers = models.CharField("使用部门", max_length=200, blank=True)
    no_share_reason = models.TextField("不予共享理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据资源"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "项目建议书"
        IMPLEMENTATION_PLAN = "implementation_plan", "实施方案"
        FEASIBILITY = "feasibility", "可行性研究报告"
        CRYPTO_PLAN = "crypto_plan", "密码应用方案"
        DATA_CATALOGUE = "data_catalogue", "数据资源目录及共享清单"
        SECURITY_PLAN = "security_plan", "网络安全方案"
        OWN_ROOM_APPROVAL = "own_room_approval", "自建机房例外审批文件"
        RESTRICTED_APPROVAL = "restricted_approval", "限制类建设内容例外审批文件"
        OTHER = "other", "其他"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("材料类型", max_length=24, choices=Kind.choices)
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["kind", "-uploaded_at"]

    def __str__(self):
        return self.original_name


class RuleJustification(models.Model):
    """A department's written justification for a warning rule; reviewers see it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="justifications")
    rule_id = models.CharField("规则", max_length=8)
    text = models.TextField("说明")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则说明"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "rule_id"], name="one_justification_per_rule"
            )
        ]

    def __str__(self):
        return f"{self.rule_id}: {self.text[:20]}"
