"""Preflight rules (SPEC §5). Each rule is one small function registered with its id.

A rule returns PASS, WARNING (needs a written justification that reviewers see) or
BLOCKING (stops ``submit``). Higher apps register their rules with the same decorator from
their ``AppConfig.ready()`` (review: R7); ``RULES`` stays in rule-number order.
Submission checks (``@submission_check``) are the other hook: they run when a project is
submitted, after the preflight, and refuse with a WorkflowError (review: the application window).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from core.models import Jurisdiction
from core.money import wan_display
from core.policy import RULE_BASIS, basis_text, clause_text

PASS, WARNING, BLOCKING = "pass", "warning", "blocking"
PENDING = "pending"  # not checkable yet: the field it looks at is still empty
SECURITY_SHARE_MIN = Decimal("0.10")


@dataclass
class Facts:
    """What the rules look at: the project (saved or the form's unsaved copy) and rows."""

    project: object
    attachment_kinds: set = field(default_factory=set)
    data_resource_count: int = 0
    platform_count: int = 0
    justifications: dict = field(default_factory=dict)
    unreasoned_unshared: list = field(default_factory=list)  # 不予共享 rows with no reason

    @property
    def jurisdiction(self):
        p = self.project
        return p.jurisdiction if p.jurisdiction_id else None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    check: object
    label: str = ""  # the basis of a rule that rests on no plan clause (R0)

    def basis_for(self, jurisdiction) -> str:
        """The rule's 依据 as the jurisdiction cites it (``core.policy``)."""
        if self.id not in RULE_BASIS:
            return self.label
        return basis_text(self.id, jurisdiction.code if jurisdiction else None)


@dataclass
class RuleResult:
    rule: Rule
    status: str
    message: str
    hint: str = ""
    justification: str = ""
    basis: str = ""

    @property
    def justified(self) -> bool:
        return self.status == WARNING and bool(self.justification.strip())

    @property
    def blocks_submit(self) -> bool:
        return self.status == BLOCKING or (self.status == WARNING and not self.justified)


RULES: list[Rule] = []
SUBMISSION_CHECKS: list = []
PROPOSAL_SAVED: list = []


def rule(rule_id, title, *, kind, label=""):
    """Register ``check(facts) -> (status, message, hint)`` as rule ``rule_id`` ("R<n>").
    Its basis is ``core.policy.RULE_BASIS[rule_id]``; ``label`` only for a rule without one."""

    def register(check):
        if (rule_id in RULE_BASIS) == bool(label):
            raise ValueError(f"rule {rule_id}: its basis belongs in core.policy.RULE_BASIS")
        if any(r.id == rule_id for r in RULES):
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES.append(Rule(rule_id, title, kind, check, label))
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
    jurisdiction = facts.jurisdiction
    results = []
    for r in RULES:
        status, message, hint = r.check(facts)
        justification = facts.justifications.get(r.id, "")
        results.append(
            RuleResult(r, status, message, hint, justification, r.basis_for(jurisdiction))
        )
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
    ("network", "运行网络"),
]


@rule("R0", "申报信息完整", kind=BLOCKING, label="项目申报要件")
def r0_complete(facts):
    p = facts.project
    missing = [label for name, label in REQUIRED_FIELDS if not getattr(p, name)]
    if not p.total_investment or p.total_investment <= 0:
        missing.append("投资估算（总投资须大于0）")
    if missing:
        return BLOCKING, "尚未填写：" + "、".join(missing), "补全上述内容后再提交。"
    return ok("必填信息已齐全")


@rule("R1", "网络安全投入占比不低于10%", kind=WARNING)
def r1_security_share(facts):
    p = facts.project
    if not p.total_investment:
        return WARNING, "总投资为0，无法计算安全投入占比", "填写投资估算。"
    share = p.invest_security / p.total_investment
    text = f"网络安全投入 {wan_display(p.invest_security)} 万元，占总投资 {share:.1%}"
    if share >= SECURITY_SHARE_MIN:
        return ok(text + "，达到10%要求")
    return (
        WARNING,
        text + "，低于10%",
        "提高网络安全投入，或书面说明理由（评审单位可见）。",
    )


@rule("R2", "等保第三级及以上须有密码应用方案", kind=BLOCKING)
def r2_cryptography(facts):
    level = facts.project.protection_level
    if not level:
        return pending("尚未选择等保级别")
    if level < 3:
        return ok("等保级别低于第三级，不强制要求密码应用方案")
    if "crypto_plan" not in facts.attachment_kinds:
        return (
            BLOCKING,
            f"等保{facts.project.get_protection_level_display()}系统须上传密码应用方案",
            "上传“密码应用方案”附件；评审时还须密码管理部门出具意见。",
        )
    return ok("已上传密码应用方案；评审时将征求密码管理部门意见")


@rule("R3", "非涉密系统部署在政务云", kind=BLOCKING)
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
    if not p.own_room_interface.strip():
        return (
            BLOCKING,
            "自建机房的系统须说明向共享平台开放的数据共享接口",
            "在“自建机房开放的数据共享接口”中写明接口名称、数据项和对接方式。",
        )
    return ok("自建机房例外已说明并附审批文件：" + p.own_room_reason.strip()[:60])


@rule("R4", "附数据资源目录和共享清单", kind=BLOCKING)
def r4_data_catalogue(facts):
    missing = []
    if facts.data_resource_count == 0:
        missing.append("至少一条数据资源目录/共享清单条目")
    if "data_catalogue" not in facts.attachment_kinds:
        missing.append("“数据资源目录及共享清单”附件")
    if missing:
        return BLOCKING, "缺少" + "和".join(missing), "在“数据资源”部分填写条目并上传附件。"
    if facts.unreasoned_unshared:
        return (
            BLOCKING,
            "以下数据资源标为“不予共享”但未说明理由：" + "、".join(facts.unreasoned_unshared),
            "以共享为原则、不共享为例外：改为共享，或逐条填写不予共享的理由和依据。",
        )
    return ok(f"已填写 {facts.data_resource_count} 条数据资源并上传清单附件")


@rule("R5", "对应年度建设任务或说明临时申报理由", kind=BLOCKING)
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


@rule("R6", "复用共性支撑平台", kind=WARNING)
def r6_common_platforms(facts):
    if facts.platform_count:
        return ok(f"已声明复用 {facts.platform_count} 个共性支撑平台")
    return (
        WARNING,
        "未声明复用统一身份认证、电子证照、电子印章等共性平台",
        "勾选复用的平台，或书面说明不复用的理由。",
    )


@rule("R11", "按涉密属性部署在相应网络", kind=BLOCKING)
def r11_network(facts):
    p = facts.project
    if not p.network:
        return pending("尚未选择运行网络")
    network = p.get_network_display()
    if p.classified and p.network != p.Network.INTRANET:
        return (
            BLOCKING,
            f"涉密系统须运行在电子政务内网，当前为{network}",
            "将运行网络改为电子政务内网，或核实涉密属性。",
        )
    if not p.classified and p.network == p.Network.INTRANET:
        return (
            BLOCKING,
            "非涉密系统应运行在电子政务外网，不得部署在电子政务内网",
            "将运行网络改为电子政务外网（面向公众的服务经全市统一互联网出口访问）。",
        )
    return ok(f"{'涉密' if p.classified else '非涉密'}系统运行在{network}")


def restricted_items(project) -> list[tuple[str, str]]:
    """The restricted construction a project declares: [(what, the clause's policy key)]."""
    county = project.jurisdiction_id and project.jurisdiction.level == Jurisdiction.Level.DISTRICT
    items = []
    if county and project.builds_data_centre:
        items.append(("县（市、区）新建数据中心或机房", "002:319"))
    if county and project.builds_cloud:
        items.append(("县（市、区）新建政务云平台", "002:319"))
    if project.expands_cloud:
        items.append(("扩容既有政务云平台", "002:367"))
    if project.builds_internet_exit:
        items.append(("新建或租赁互联网出口", "002:345"))
    return items


@rule("R12", "限制类建设内容须经批准例外", kind=BLOCKING)
def r12_restricted(facts):
    items = restricted_items(facts.project)
    if not items:
        return ok("未含限制类建设内容（新建机房或政务云、扩容既有云、新建互联网出口）")
    named = "、".join(f"{what}（{clause_text(key, facts.jurisdiction)}）" for what, key in items)
    if not facts.project.restricted_reason.strip():
        return (
            BLOCKING,
            "原则上不再建设：" + named,
            "删去该建设内容改用统一设施，或填写“限制类建设内容例外理由”并上传例外审批文件。",
        )
    if "restricted_approval" not in facts.attachment_kinds:
        return (
            BLOCKING,
            "已说明例外理由，但未上传例外审批文件：" + named,
            "上传“限制类建设内容例外审批文件”。",
        )
    return ok("限制类建设内容已说明例外并附审批文件：" + "、".join(w for w, _ in items))


def unreasoned_unshared(rows) -> list[str]:
    """Names of 不予共享 rows (objects or dicts) without a reason (004:79)."""
    get = lambda row, key: row[key] if isinstance(row, dict) else getattr(row, key)  # noqa: E731
    return [
        get(row, "name")
        for row in rows
        if get(row, "sharing_mode") == "none" and not (get(row, "no_share_reason") or "").strip()
    ]


def facts_for(project) -> Facts:
    """Facts from the database (uses prefetched relations when present)."""
    resources = project.data_resources.all()
    return Facts(
        project=project,
        attachment_kinds={a.kind for a in project.attachments.all()},
        data_resource_count=len(resources),
        unreasoned_unshared=unreasoned_unshared(resources),
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
