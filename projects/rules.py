"""Preflight rules (SPEC §5). Each rule is one small function registered with its id.

A rule returns PASS, WARNING (needs a written justification that reviewers see) or
BLOCKING (stops ``submit``). Higher apps register their rules with the same decorator from
their ``AppConfig.ready()`` (review: R7); ``RULES`` stays in rule-number order.
Submission checks (``@submission_check``) are the other hook: they run when a project is
submitted, after the preflight, and refuse with a WorkflowError (review: the application window).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from core.money import wan_display

PASS, WARNING, BLOCKING = "pass", "warning", "blocking"
PENDING = "pending"  # not checkable yet: the field it looks at is still empty
SEED_DOCUMENTS = {
    "000": "湘潭市“十四五”数字政府建设实施方案",
    "001": "衢州市关于深化数字政府建设的实施意见",
    "002": "湛江市“数字政府”建设总体规划",
    "003": "广安市“十四五”数字政府建设规划",
    "004": "海州区加快统筹推进数字政府高质量建设实施方案",
}
SECURITY_SHARE_MIN = Decimal("0.10")


@dataclass
class Facts:
    """What the rules look at: the project (saved or the form's unsaved copy) and rows."""

    project: object
    attachment_kinds: set = field(default_factory=set)
    data_resource_count: int = 0
    platform_count: int = 0
    justifications: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    basis: str
    check: object

    @property
    def basis_display(self) -> str:
        """'000:37' → the plan's title with the line, for civil servants."""
        parts = []
        for ref in self.basis.split(","):
            doc, _, line = ref.strip().partition(":")
            title = SEED_DOCUMENTS.get(doc)
            parts.append(f"《{title}》第{line}行" if title else ref.strip())
        return "；".join(parts)


@dataclass
class RuleResult:
    rule: Rule
    status: str
    message: str
    hint: str = ""
    justification: str = ""

    @property
    def justified(self) -> bool:
        return self.status == WARNING and bool(self.justification.strip())

    @property
    def blocks_submit(self) -> bool:
        return self.status == BLOCKING or (self.status == WARNING and not self.justified)


RULES: list[Rule] = []
SUBMISSION_CHECKS: list = []
PROPOSAL_SAVED: list = []


def rule(rule_id, title, *, kind, basis):
    """Register ``check(facts) -> (status, message, hint)`` as rule ``rule_id`` ("R<n>")."""

    def register(check):
        if any(r.id == rule_id for r in RULES):
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES.append(Rule(rule_id, title, kind, basis, check))
        RULES.sort(key=lambda r: int(r.id.removeprefix("R")))
        return check

    return register


def submission_check(check):
    """Register ``check(project)``, run inside ``project_submit`` after the preflight and the
    head confirmation on the locked project; it raises WorkflowError to refuse."""
    SUBMISSION_CHECKS.append(check)
    return check


def proposal_saved(hook):
    """Register ``hook(project, *, submitted)``, run in the transaction of ``project_save_draft``
    (``submitted`` False) and of ``project_submit`` (True); review keeps R7's result with it."""
    PROPOSAL_SAVED.append(hook)
    return hook


def evaluate(facts: Facts) -> list[RuleResult]:
    results = []
    for r in RULES:
        status, message, hint = r.check(facts)
        results.append(RuleResult(r, status, message, hint, facts.justifications.get(r.id, "")))
    return results


def ok(message):
    return PASS, message, ""


def pending(message):
    return PENDING, message, ""


REQUIRED_FIELDS = [
    ("name", "项目名称"),
    ("category", "项目类别"),
    ("channel", "申报渠道"),
    ("start_year", "建设起始年度"),
    ("end_year", "建设终止年度"),
    ("summary", "建设内容"),
    ("protection_level", "等保级别"),
    ("deployment", "部署方式"),
]


@rule("R0", "申报信息完整", kind=BLOCKING, basis="申报要件")
def r0_complete(facts):
    p = facts.project
    missing = [label for name, label in REQUIRED_FIELDS if not getattr(p, name)]
    if not p.total_investment or p.total_investment <= 0:
        missing.append("投资概算（总投资须大于0）")
    if missing:
        return BLOCKING, "尚未填写：" + "、".join(missing), "补全上述内容后再提交。"
    return ok("必填信息已齐全")


@rule("R1", "网络安全投入占比不低于10%", kind=WARNING, basis="000:37")
def r1_security_share(facts):
    p = facts.project
    if not p.total_investment:
        return WARNING, "总投资为0，无法计算安全投入占比", "填写投资概算。"
    share = p.invest_security / p.total_investment
    text = f"网络安全投入 {wan_display(p.invest_security)} 万元，占总投资 {share:.1%}"
    if share >= SECURITY_SHARE_MIN:
        return ok(text + "，达到10%要求")
    return (
        WARNING,
        text + "，低于10%",
        "提高网络安全投入，或书面说明理由（评审单位可见）。",
    )


@rule("R2", "等保三级及以上须有密码应用方案", kind=BLOCKING, basis="003:239, 004:99")
def r2_cryptography(facts):
    level = facts.project.protection_level
    if not level:
        return pending("尚未选择等保级别")
    if level < 3:
        return ok("等保级别低于三级，不强制要求密码应用方案")
    if "crypto_plan" not in facts.attachment_kinds:
        return (
            BLOCKING,
            f"等保第{level}级系统须上传密码应用方案",
            "上传“密码应用方案”附件；评审时还须密码管理部门出具意见。",
        )
    return ok("已上传密码应用方案；评审时将征求密码管理部门意见")


@rule("R3", "非涉密系统部署在政务云", kind=BLOCKING, basis="002:319, 002:327")
def r3_gov_cloud(facts):
    p = facts.project
    if p.classified:
        return ok("涉密系统，按保密要求部署")
    if p.deployment != "own_room":
        return ok("部署在政务云") if p.deployment else pending("尚未选择部署方式")
    if not p.own_room_reason.strip():
        return (
            BLOCKING,
            "非涉密系统原则上部署在政务云，自建机房须说明例外理由",
            "改为政务云部署，或填写“自建机房例外理由”并上传审批文件。",
        )
    if "own_room_approval" not in facts.attachment_kinds:
        return (
            BLOCKING,
            "已说明自建机房理由，但未上传例外审批文件",
            "上传“自建机房例外审批文件”。",
        )
    return ok("自建机房例外已说明并附审批文件：" + p.own_room_reason.strip()[:60])


@rule("R4", "附数据资源目录和共享清单", kind=BLOCKING, basis="004:79")
def r4_data_catalogue(facts):
    missing = []
    if facts.data_resource_count == 0:
        missing.append("至少一条数据资源目录/共享清单条目")
    if "data_catalogue" not in facts.attachment_kinds:
        missing.append("“数据资源目录及共享清单”附件")
    if missing:
        return BLOCKING, "缺少" + "和".join(missing), "在“数据资源”部分填写条目并上传附件。"
    return ok(f"已填写 {facts.data_resource_count} 条数据资源并上传清单附件")


@rule("R5", "对应年度建设任务或说明临时申报理由", kind=BLOCKING, basis="004:97, 000:95")
def r5_plan_link(facts):
    p = facts.project
    if p.channel == "annual":
        if not p.plan_item_id:
            return (
                BLOCKING,
                "年度集中申报项目须对应年度建设任务清单中的一项",
                "在“对应年度任务”中选择任务。",
            )
        return ok("已对应年度建设任务")
    if p.channel == "adhoc":
        if not p.adhoc_justification.strip():
            return (
                BLOCKING,
                "临时个别项目须说明不能等待年度集中申报的理由",
                "填写“临时申报理由”。",
            )
        return ok("已说明临时申报理由")
    return pending("尚未选择申报渠道")


@rule("R6", "复用共性支撑平台", kind=WARNING, basis="001:133, 000:55")
def r6_common_platforms(facts):
    if facts.platform_count:
        return ok(f"已声明复用 {facts.platform_count} 个共性支撑平台")
    return (
        WARNING,
        "未声明复用统一身份认证、电子证照、电子印章等共性平台",
        "勾选复用的平台，或书面说明不复用的理由。",
    )


def facts_for(project) -> Facts:
    """Facts from the database (uses prefetched relations when present)."""
    return Facts(
        project=project,
        attachment_kinds={a.kind for a in project.attachments.all()},
        data_resource_count=len(project.data_resources.all()),
        platform_count=len(project.common_platforms.all()),
        justifications={j.rule_id: j.text for j in project.justifications.all()},
    )


def preflight(project) -> list[RuleResult]:
    return evaluate(facts_for(project))


def blocking_messages(results) -> list[str]:
    messages = []
    for r in results:
        if r.status == BLOCKING:
            messages.append(f"{r.rule.id} {r.rule.title}：{r.message}")
        elif r.blocks_submit:
            messages.append(f"{r.rule.id} {r.rule.title}：{r.message}，须书面说明理由")
    return messages
