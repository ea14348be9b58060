"""The register of existing information systems (政务信息系统目录, 002:127, 003:11) and the
stored R7 duplicate check (term index and result, see ``similarity.py``)."""

from django.conf import settings
from django.db import models

from core.models import Jurisdiction, Organisation


class InformationSystem(models.Model):
    """An information system already built or in use; kept by the office, read within scope."""

    class BuildType(models.TextChoices):
        NATIONAL = "national", "国垂"
        PROVINCIAL = "provincial", "省垂"
        OWN = "own", "自建"

    class CryptoAssessment(models.TextChoices):
        PASSED = "passed", "已通过密评"
        PLANNED = "planned", "未开展"
        NOT_REQUIRED = "not_required", "不适用"

    class Hosting(models.TextChoices):
        GOV_CLOUD = "gov_cloud", "政务云"
        OWN_ROOM = "own_room", "自建机房"
        UPPER = "upper", "上级平台"

    class Network(models.TextChoices):
        EXTRANET = "extranet", "政务外网"
        INTRANET = "intranet", "电子政务内网"
        INTERNET = "internet", "互联网"
        PRIVATE = "private", "业务专网"

    class Status(models.TextChoices):
        IN_USE = "in_use", "在用"
        RETIRED = "retired", "已停用"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    name = models.CharField("系统名称", max_length=100)
    owner = models.ForeignKey(
        Organisation, verbose_name="主管单位", on_delete=models.PROTECT, related_name="+"
    )
    build_type = models.CharField("建设类型", max_length=16, choices=BuildType.choices)
    protection_level = models.PositiveSmallIntegerField(
        "等保级别",
        null=True,
        blank=True,
        choices=[(i, f"等保第{'一二三四'[i - 1]}级") for i in range(1, 5)],
    )
    crypto_assessment = models.CharField(
        "密评", max_length=16, choices=CryptoAssessment.choices, default="planned"
    )
    hosting = models.CharField("部署", max_length=16, choices=Hosting.choices)
    network = models.CharField("运行网络", max_length=16, choices=Network.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default="in_use")
    retired_on = models.DateField("停用日期", null=True, blank=True)
    retire_reason = models.CharField("停用原因", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "政务信息系统目录"
        ordering = ["jurisdiction", "owner", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "owner", "name"], name="information_system_unique_name"
            )
        ]
        indexes = [models.Index(fields=["jurisdiction", "status", "name"])]

    def __str__(self):
        return self.name

    @property
    def status_display(self) -> str:
        return f"{self.get_status_display()}（{self.get_build_type_display()}）"


class SimilarityTerm(models.Model):
    """Inverted index of R7: one row per project, field (n name, c content) and term; the
    term ``*`` counts the project. ``jurisdiction`` is copied so a check reads one index range."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=1)
    term = models.CharField(max_length=16)

    class Meta:
        indexes = [
            models.Index(
                fields=["field", "term", "jurisdiction", "project"], name="simterm_lookup"
            ),
            models.Index(fields=["project", "field"], name="simterm_project"),
        ]

    def __str__(self):
        return f"{self.field}:{self.term}"


class SimilarityTermCount(models.Model):
    """How many projects of a jurisdiction carry a term (document frequency), kept by
    ``index_project`` for the terms it changes, so a check reads a few rows, not thousands."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=1)
    term = models.CharField(max_length=16)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["field", "term", "jurisdiction"], name="simcount_unique"
            )
        ]

    def __str__(self):
        return f"{self.field}:{self.term}={self.n}"


class SimilarityResult(models.Model):
    """The stored R7 result of a project: hits as computed at ``computed_at``, for the name,
    content and department its ``fingerprint`` was taken from."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="similarity"
    )
    fingerprint = models.CharField(max_length=40)
    computed_at = models.DateTimeField("查重时间")
    hits = models.JSONField(default=list)

    class Meta:
        verbose_name = verbose_name_plural = "查重结果"

    def __str__(self):
        return f"{self.project_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
