"""Joint review (SPEC §4): one engine for the approval, acceptance and post-evaluation occasions.

A ``Review`` is one project's case in one occasion; opinions (``ReviewTask``/``Opinion``),
expert scoring (``Panel``/``PanelMember``/``Score``, in ``panel_models.py``) and the committee vote
(``Meeting``/``AgendaItem``/``Vote``) hang off it, and the office's decision closes it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import Jurisdiction, Organisation, ReviewFunction

from .evaluation_models import Grade, PostEvaluation  # noqa: F401  (re-exported)
from .panel_models import Expert, Panel, PanelMember, Score  # noqa: F401  (re-exported)
from .register_models import (  # noqa: F401  (re-exported)
    InformationSystem,
    SimilarityResult,
    SimilarityTerm,
    SimilarityTermCount,
)

USER = settings.AUTH_USER_MODEL


class Occasion(models.TextChoices):
    APPROVAL = "approval", "立项评审"
    ACCEPTANCE = "acceptance", "验收评审"
    POST_EVALUATION = "post_evaluation", "后评价"


# The project state in which a review of each occasion takes opinions and scores.
UNDER_REVIEW_STATE = {
    Occasion.APPROVAL: "in_review",
    Occasion.ACCEPTANCE: "acceptance_requested",
    Occasion.POST_EVALUATION: "evaluating",
}


def under_review(prefix="") -> Q:
    """Open reviews whose project is in its occasion's review state (not suspended)."""
    cases = Q()
    for occasion, state in UNDER_REVIEW_STATE.items():
        cases |= Q(**{f"{prefix}occasion": occasion, f"{prefix}project__status": state})
    return Q(**{f"{prefix}status": "open"}) & cases


class Outcome(models.TextChoices):
    """A committee member's vote and an agenda item's result (what most valid votes said)."""

    APPROVE = "approve", "同意"
    REJECT = "reject", "不同意"
    SEND_BACK = "send_back", "退回补充"


class Decision(models.TextChoices):
    """The decision recorded on a review after the vote; same values as ``Outcome``, the labels
    of a 批复 (004:97)."""

    APPROVE = "approve", "同意立项"
    REJECT = "reject", "不予立项"
    SEND_BACK = "send_back", "退回补充完善"


class ReviewSettings(models.Model):
    """Per-jurisdiction thresholds (SPEC §4 defaults: quorum 2/3, approval > 1/2)."""

    class ApprovalRule(models.TextChoices):
        MAJORITY = "majority", "超过有效票的二分之一"
        TWO_THIRDS = "two_thirds", "达到有效票的三分之二"

    jurisdiction = models.OneToOneField(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE
    )
    quorum_numerator = models.PositiveSmallIntegerField("法定人数（分子）", default=2)
    quorum_denominator = models.PositiveSmallIntegerField("法定人数（分母）", default=3)
    approval_rule = models.CharField(
        "通过规则", max_length=16, choices=ApprovalRule.choices, default=ApprovalRule.MAJORITY
    )
    trim_min_panel = models.PositiveSmallIntegerField("去掉最高最低分的最少专家数", default=5)

    class Meta:
        verbose_name = verbose_name_plural = "评审参数"

    def __str__(self):
        return f"{self.jurisdiction} 评审参数"


class OpinionRequirement(models.Model):
    """A reviewing function whose opinion an occasion requires (configurable per jurisdiction)."""

    class Condition(models.TextChoices):
        ALWAYS = "always", "一律需要"
        CRYPTO = "crypto", "等保第三级及以上或使用密码时需要"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE
    )
    occasion = models.CharField("评审环节", max_length=16, choices=Occasion.choices)
    function = models.CharField("审查职能", max_length=16, choices=ReviewFunction.choices)
    condition = models.CharField(
        "条件", max_length=16, choices=Condition.choices, default=Condition.ALWAYS
    )

    class Meta:
        verbose_name = verbose_name_plural = "必需意见配置"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "occasion", "function"], name="one_requirement_per_function"
            )
        ]

    def __str__(self):
        return f"{self.get_occasion_display()}：{self.get_function_display()}"


class Criterion(models.Model):
    """A weighted scoring criterion (configurable per jurisdiction and occasion)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.CASCADE
    )
    occasion = models.CharField("评审环节", max_length=16, choices=Occasion.choices)
    code = models.SlugField("代码", max_length=24)
    name = models.CharField("名称", max_length=32)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "评分指标"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "occasion", "code"], name="criterion_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


class ReviewRound(models.Model):
    """A batch of reviews: 年度集中申报第N批 (with an application window) or ad hoc."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "年度集中申报"
        ADHOC = "adhoc", "临时个别项目"

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    occasion = models.CharField(
        "评审环节", max_length=16, choices=Occasion.choices, default=Occasion.APPROVAL
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    batch = models.PositiveSmallIntegerField("批次", default=1)
    name = models.CharField("名称", max_length=64)
    opens_on = models.DateField("申报窗口开始", null=True, blank=True)
    closes_on = models.DateField("申报窗口截止", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审批次"
        ordering = ["-year", "-batch", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "occasion", "kind", "year", "batch"],
                name="round_batch_unique",
            ),
            models.CheckConstraint(
                name="round_window_ordered",
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
            ),
        ]

    def __str__(self):
        return self.name


class Review(models.Model):
    """One project's review case in one occasion (a project sent back gets a new one)."""

    class Status(models.TextChoices):
        OPEN = "open", "评审中"
        DECIDED = "decided", "已决定"

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.ForeignKey(
        ReviewRound, verbose_name="批次", on_delete=models.PROTECT, related_name="reviews"
    )
    occasion = models.CharField("评审环节", max_length=16, choices=Occasion.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField("受理时间")
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("决定", max_length=16, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_comment = models.TextField("决定说明", blank=True)
    approved_amount = models.DecimalField(
        "核定投资（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_override_reason = models.TextField("核定金额调整理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "occasion"],
                condition=Q(status="open"),
                name="one_open_review_per_occasion",
            ),
            models.CheckConstraint(
                name="review_amount_non_negative",
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_occasion_display()}"


class ReviewTask(models.Model):
    """A reviewing unit's duty to give a written opinion on one review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="tasks")
    function = models.CharField("审查职能", max_length=16, choices=ReviewFunction.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="审查单位", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("分派时间")
    completed_at = models.DateTimeField("出具时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审查任务"
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "function"], name="one_task_per_function")
        ]

    def __str__(self):
        return f"{self.get_function_display()} · {self.review.project}"


class Opinion(models.Model):
    """A signed written opinion. Immutable; a correction is a new version with a reason."""

    class Conclusion(models.TextChoices):
        AGREE = "agree", "同意"
        AGREE_WITH_CONDITIONS = "agree_with_conditions", "有条件同意"
        DISAGREE = "disagree", "不同意"

    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="opinions")
    version = models.PositiveSmallIntegerField("版本")
    conclusion = models.CharField("结论", max_length=24, choices=Conclusion.choices)
    text = models.TextField("意见")
    recommended_amount = models.DecimalField(
        "建议金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    attachment = models.FileField("附件", upload_to="opinions/%Y/%m/", blank=True)
    correction_reason = models.TextField("更正理由", blank=True)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签署时间")

    class Meta:
        verbose_name = verbose_name_plural = "审查意见"
        ordering = ["task", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["task", "version"], name="opinion_version_unique"),
            models.CheckConstraint(
                name="opinion_amount_non_negative",
                condition=Q(recommended_amount__isnull=True) | Q(recommended_amount__gte=0),
            ),
        ]

    def __str__(self):
        return f"{self.task} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("已签署的意见不能修改，请出具更正版本")
        super().save(*args, **kwargs)


class Meeting(models.Model):
    """A joint-review meeting (联审会议) of the committee."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="行政区划", on_delete=models.PROTECT
    )
    title = models.CharField("会议名称", max_length=100)
    held_on = models.DateField("会议日期")
    location = models.CharField("地点", max_length=100, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联审会议"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class MeetingMember(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, verbose_name="委员", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField("出席", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "参会委员"
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="member_once_per_meeting")
        ]

    def __str__(self):
        return str(self.user)


class AgendaItem(models.Model):
    """One project on a meeting's agenda; votes are open until the item is closed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("议题序号", default=1)
    added_at = models.DateTimeField("列入议程时间")
    closed_at = models.DateTimeField("表决结束时间", null=True, blank=True)
    result = models.CharField("表决结果", max_length=16, choices=Outcome.choices, blank=True)
    quorum_met = models.BooleanField("达到法定人数", default=False)
    tally = models.JSONField("计票", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议议题"
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "review"], name="review_once_per_meeting")
        ]

    def __str__(self):
        return f"议题{self.order}：{self.review.project}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Vote(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        USER, verbose_name="委员", on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField("表决", max_length=16, choices=Outcome.choices)
    conditions = models.TextField("附加条件", blank=True)
    cast_at = models.DateTimeField("表决时间")

    class Meta:
        verbose_name = verbose_name_plural = "表决票"
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")
        ]

    def __str__(self):
        return f"{self.member}：{self.get_choice_display()}"


DEFAULT_CRITERIA = [
    ("necessity", "必要性", Decimal("20")),
    ("feasibility", "可行性", Decimal("15")),
    ("design", "技术方案", Decimal("20")),
    ("investment", "投资合理性", Decimal("20")),
    ("reuse", "共享复用", Decimal("10")),
    ("security", "安全保障", Decimal("15")),
]
# Post-evaluation (SPEC §4; 实用性、实战性、实效性 from 001:157, data sharing from 004:79, cost
# against the approved amount): the default when a jurisdiction has configured none.
DEFAULT_POST_EVALUATION_CRITERIA = [
    ("practicality", "实用性", Decimal("25")),
    ("combat_ready", "实战性", Decimal("20")),
    ("effectiveness", "实效性", Decimal("25")),
    ("data_sharing", "数据共享成效", Decimal("15")),
    ("cost", "投资控制（实际投入与核定投资）", Decimal("15")),
]
# The approval occasion's default set (004:97-99, 000:97): 网信, 工信, 发改, 财政 always, 密码
# when the system needs it; a jurisdiction may configure its own set.
DEFAULT_REQUIREMENTS = [
    (ReviewFunction.SECURITY, OpinionRequirement.Condition.ALWAYS),
    (ReviewFunction.TECHNICAL, OpinionRequirement.Condition.ALWAYS),
    (ReviewFunction.INVESTMENT, OpinionRequirement.Condition.ALWAYS),
    (ReviewFunction.FISCAL, OpinionRequirement.Condition.ALWAYS),
    (ReviewFunction.CRYPTOGRAPHY, OpinionRequirement.Condition.CRYPTO),
]
# Completion acceptance by 发改, 工信 and 财政 (004:99), with the expert panel.
ACCEPTANCE_CRITERIA = [
    ("scope", "建设内容完成情况", Decimal("25")),
    ("function", "功能与性能", Decimal("20")),
    ("security", "安全保障（等保、密评）", Decimal("15")),
    ("sharing", "数据共享落实", Decimal("15")),
    ("funds", "资金使用规范", Decimal("15")),
    ("documents", "文档资料完整", Decimal("10")),
]
ACCEPTANCE_REQUIREMENTS = [
    (ReviewFunction.INVESTMENT, OpinionRequirement.Condition.ALWAYS),
    (ReviewFunction.TECHNICAL, OpinionRequirement.Condition.ALWAYS),
    (ReviewFunction.FISCAL, OpinionRequirement.Condition.ALWAYS),
]
# Defaults per occasion while a jurisdiction configures none (admin: 评分指标, 必需意见配置).
DEFAULT_CRITERIA_FOR = {
    Occasion.APPROVAL: DEFAULT_CRITERIA,
    Occasion.ACCEPTANCE: ACCEPTANCE_CRITERIA,
    Occasion.POST_EVALUATION: DEFAULT_POST_EVALUATION_CRITERIA,
}
DEFAULT_REQUIREMENTS_FOR = {
    Occasion.APPROVAL: DEFAULT_REQUIREMENTS,
    Occasion.ACCEPTANCE: ACCEPTANCE_REQUIREMENTS,
    # Post-evaluation is scored by the expert panel; written opinions only where configured.
    Occasion.POST_EVALUATION: [],
}
