"""Organisation structure, users and roles, the audit chain and notifications."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models

# 公文 abbreviations are Chinese characters only (潭, 海): no Latin letters, digits or spaces.
CHINESE_ONLY = RegexValidator(r"^[\u4e00-\u9fff]+$", "发文字号简称只能使用汉字")


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Jurisdiction(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        DISTRICT = "district", "区县"

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT
    )
    require_head_confirmation = models.BooleanField("申报须单位负责人确认", default=True)
    doc_abbreviation = models.CharField(
        "发文字号简称",
        max_length=8,
        blank=True,
        validators=[CHINESE_ONLY],
        help_text="文号的机关代字，如“潭”（潭审批复〔2026〕1号）",
    )
    issuing_body = models.CharField(
        "发文机关",
        max_length=64,
        blank=True,
        help_text="评审报告、会议纪要和批复的落款，如“湘潭市数字政府建设工作领导小组办公室”",
    )

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class ReviewFunction(models.TextChoices):
    """What a reviewing unit checks; review assigns its required opinions by these."""

    SECURITY = "security", "安全审查意见"
    CRYPTOGRAPHY = "cryptography", "密码应用审查意见"
    TECHNICAL = "technical", "技术方案审查意见"
    INVESTMENT = "investment", "投资审核意见"
    FISCAL = "fiscal", "财政评审意见"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "需求部门"
        OFFICE = "office", "牵头部门"
        REVIEWING_UNIT = "reviewing_unit", "审查成员单位"
        FINANCE = "finance", "财政部门"
        AUDIT = "audit", "审计部门"
        LEADING_GROUP = "leading_group", "领导小组"
        EXPERT_EMPLOYER = "expert_employer", "专家所在单位"
        OPERATOR = "operator", "运营单位"

    code = models.SlugField("代码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    review_function = models.CharField(
        "审查职能", max_length=16, choices=ReviewFunction.choices, blank=True
    )
    head_name = models.CharField("主要负责同志", max_length=32, blank=True)
    deputy_name = models.CharField("分管负责同志", max_length=32, blank=True)
    cdo_name = models.CharField("首席数据官", max_length=32, blank=True)

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["jurisdiction", "kind", "code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Role(models.Model):
    DEPT_OFFICER = "dept_officer"
    DEPT_HEAD = "dept_head"
    OFFICE = "office"
    REVIEWER = "reviewer"
    EXPERT = "expert"
    COMMITTEE = "committee"
    FINANCE = "finance"
    AUDITOR = "auditor"
    LEADER = "leader"
    ADMIN = "admin"

    code = models.SlugField("代码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=32)

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=32, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def role_codes(self) -> frozenset:
        return frozenset(self.roles.values_list("code", flat=True))

    def has_role(self, *codes) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def jurisdiction_id(self):
        return self.organisation.jurisdiction_id if self.organisation_id else None


class AuditChainHead(models.Model):
    """Last sequence number and hash of one chain, locked to append to it.

    One chain per jurisdiction (keyed by its code) plus a global chain for events that belong to
    none, so writers in different jurisdictions never wait on each other's head row.
    """

    chain = models.CharField("审计链", max_length=32, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self):
        return f"{self.chain} #{self.seq}"


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every state change and money movement.

    `seq` numbers the event within its chain; across chains only (created_at, id) orders events.
    """

    chain = models.CharField("审计链", max_length=32)
    seq = models.PositiveBigIntegerField("序号")
    created_at = models.DateTimeField("时间")
    actor = models.ForeignKey(User, verbose_name="操作人", null=True, on_delete=models.PROTECT)
    actor_name = models.CharField("操作人姓名", max_length=64)
    subject_type = models.CharField("对象类型", max_length=32, blank=True)
    subject_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField("动作", max_length=48)
    action_label = models.CharField("动作名称", max_length=64)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32, blank=True)
    comment = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="auditevent_chain_seq_unique")
        ]
        indexes = [
            models.Index(fields=["project", "created_at"], name="auditevent_project_time_idx"),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self):
        return f"{self.chain} #{self.seq} {self.action_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计事件不能删除")


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # a reader's notifications newest first (the paged list)
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.text


class DocumentNumber(models.Model):
    """A 文号 issued once to one document and never reused: per jurisdiction, kind and year the
    sequence runs 1, 2, 3 … without gaps (``core.numbering.issue`` allocates under a lock)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    kind = models.CharField("文种", max_length=24)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    text = models.CharField("文号", max_length=48)
    subject_type = models.CharField("对象类型", max_length=32)
    subject_id = models.PositiveBigIntegerField("对象编号")
    issued_at = models.DateTimeField("编号时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "发文字号"
        ordering = ["jurisdiction", "kind", "year", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "year", "seq"], name="document_number_unique_seq"
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"], name="document_number_one_per_doc"
            ),
        ]

    def __str__(self):
        return self.text


class DocumentSequence(models.Model):
    """The last 文号 issued per jurisdiction, kind and year; its row is the allocation lock."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT)
    kind = models.CharField(max_length=24)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "发文字号计数"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "year"], name="document_sequence_unique"
            )
        ]

    def __str__(self):
        return f"{self.jurisdiction_id}/{self.kind}/{self.year}: {self.last}"
