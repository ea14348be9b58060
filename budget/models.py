"""Special funds, budget lines, procurement contracts and disbursement requests (SPEC §6).

Money is Decimal yuan with two places; pages show 万元.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import Jurisdiction

from .om_models import OmApplication, OmRound  # noqa: F401  (re-exported)
from .querysets import DisbursementQuerySet
from .workflow import DisbursementWorkflow, State

MONEY = {"max_digits": 14, "decimal_places": 2}


class SpecialFund(models.Model):
    """专项资金: one pool per jurisdiction and fiscal year ("一个口子拨付")."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("预算年度")
    name = models.CharField("名称", max_length=100)
    amount = models.DecimalField("年度额度（元）", **MONEY)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "专项资金"
        ordering = ["-year", "jurisdiction"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="fund_one_per_year"),
            models.CheckConstraint(name="fund_amount_non_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return self.name


class BudgetLine(models.Model):
    """A project's allocation from one year's fund; multi-year projects have several."""

    class Kind(models.TextChoices):
        CONSTRUCTION = "construction", "建设资金"
        OM = "om", "运维经费"  # yearly O&M funding rounds (later issue, gated by R9)

    fund = models.ForeignKey(
        SpecialFund, verbose_name="专项资金", on_delete=models.PROTECT, related_name="lines"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    kind = models.CharField("资金类别", max_length=16, choices=Kind.choices)
    amount = models.DecimalField("安排金额（元）", **MONEY)
    # Terminating the project releases the unpaid remainder to the fund: ``amount`` drops to
    # what was paid and the difference is kept here (what the fund page and audit show).
    released_amount = models.DecimalField("终止释放金额（元）", default=Decimal("0"), **MONEY)
    released_at = models.DateTimeField("释放时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "预算安排"
        ordering = ["fund__year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "project", "kind"], name="line_one_per_fund_project_kind"
            ),
            models.CheckConstraint(
                name="line_amount_positive",
                condition=Q(amount__gt=0) | (Q(amount=0) & Q(released_amount__gt=0)),
            ),
            models.CheckConstraint(
                name="line_released_non_negative", condition=Q(released_amount__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.fund.year}年{self.get_kind_display()}"

    @property
    def original_amount(self):
        """What was allocated before a termination released the unpaid remainder."""
        return self.amount + self.released_amount


class Contract(models.Model):
    """采购合同 recorded by the department; its milestones schedule the payments."""

    class Method(models.TextChoices):
        OPEN = "open", "公开招标"
        INVITED = "invited", "邀请招标"
        CONSULTATION = "consultation", "竞争性磋商"
        NEGOTIATION = "negotiation", "竞争性谈判"
        SINGLE = "single", "单一来源"
        INQUIRY = "inquiry", "询价"
        FRAMEWORK = "framework", "框架协议"

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="contracts"
    )
    name = models.CharField("合同名称", max_length=120)
    vendor = models.CharField("供应商", max_length=120)
    method = models.CharField("采购方式", max_length=16, choices=Method.choices)
    amount = models.DecimalField("合同金额（元）", **MONEY)
    signed_on = models.DateField("签订日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "采购合同"
        ordering = ["signed_on", "pk"]
        constraints = [
            models.CheckConstraint(name="contract_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return self.name


class Trigger(models.TextChoices):
    """What a payment milestone waits for (R10): 30% on signing, 40% on 初验, 30% on 终验."""

    SIGNING = "signing", "合同签订后"
    INITIAL = "initial", "初验通过后"
    FINAL = "final", "终验（验收通过）后"
    DATE = "date", "约定日期后"


class Milestone(models.Model):
    """付款节点 of a contract (e.g. 签订合同 30% / 初验 40% / 终验 30%)."""

    contract = models.ForeignKey(
        Contract, verbose_name="合同", on_delete=models.CASCADE, related_name="milestones"
    )
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("付款节点", max_length=60)
    percent = models.DecimalField(
        "比例（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField("金额（元）", **MONEY)
    is_final = models.BooleanField("尾款（须验收后支付）", default=False)
    trigger = models.CharField(
        "支付条件", max_length=16, choices=Trigger.choices, default=Trigger.SIGNING
    )
    due_on = models.DateField("约定支付日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "付款节点"
        ordering = ["contract", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="milestone_seq_unique"),
            models.UniqueConstraint(
                fields=["contract"], condition=Q(is_final=True), name="milestone_one_final"
            ),
            models.CheckConstraint(name="milestone_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="milestone_final_waits_for_final_acceptance",
                condition=Q(is_final=False) | Q(trigger="final"),
            ),
            models.CheckConstraint(
                name="milestone_date_trigger_has_date",
                condition=~Q(trigger="date") | Q(due_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.name}{'（尾款）' if self.is_final else ''}"


class Disbursement(DisbursementWorkflow):
    """拨付申请: one payment request against a milestone, charged to a budget line."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name="付款节点", on_delete=models.PROTECT, related_name="disbursements"
    )
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name="预算安排", on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField("申请金额（元）", **MONEY)
    purpose = models.CharField("用途说明", max_length=200, blank=True)
    last_reason = models.TextField("最近退回/不予拨付理由", blank=True)
    voucher_no = models.CharField("支付凭证号", max_length=40, blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "拨付申请"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["budget_line", "status"]),
            # the list's order (newest first), whole and by status (the to-do links)
            models.Index(fields=["-updated_at", "-id"], name="disbursement_recent_idx"),
            models.Index(
                fields=["status", "-updated_at", "-id"], name="disbursement_status_recent_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="disbursement_amount_positive", condition=Q(amount__gt=Decimal("0"))
            ),
            models.CheckConstraint(
                name="disbursement_paid_has_voucher",
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(voucher_no="")),
            ),
        ]

    def __str__(self):
        return f"拨付申请 #{self.pk}"

    @property
    def shows_reason(self) -> bool:
        """Whether the page shows ``last_reason``: the request was returned or rejected."""
        return bool(self.last_reason) and self.status in (State.RETURNED, State.REJECTED)
