"""Dataset step of projects (order 20, see ``core/datasets.py``): annual task lists and the
unit's projects, each walked through the lifecycle from its creation date to today, so its
state is the one its transitions lead to (``ctx.history``), with the fields that state implies
(submission, receipt, approved amount, reasons), data resources, attachments, justifications
and reused platforms. Names combine each department's subjects with varied objects and
phases, so no word runs through every name."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection

from core.dataset import DEPARTMENTS
from core.datasets import (
    Transition,
    bulk_insert,
    dataset_check,
    dataset_step,
    ids,
    weighted_sizes,
    with_ids,
)
from core.models import Organisation, Role, User

from .models import AnnualPlan, AnnualPlanItem, Attachment, CommonPlatform, DataResource, Project
from .models import RuleJustification as Justification
from .workflow import State

S = State

# Subjects per department domain; other domains fall back to their bureau's name.
SUBJECTS = {
    "data": ["政务云", "电子政务外网", "数据共享交换平台", "公共数据开放平台", "城市大脑", "政务算力调度",
             "基础数据库", "数据资源目录", "一网通办", "数据中台", "视频共享平台", "物联感知平台"],
    "gov": ["协同办公", "政府网站集约化", "12345热线", "督查督办", "政务公开", "公文交换",
            "决策驾驶舱", "应急值守", "电子会议"],
    "police": ["智慧警务", "视频图像解析", "出入境证件", "交通管理", "社会治安防控", "网络安全监测",
               "户政业务", "警务大数据", "110指挥调度"],
    "hr": ["社会保障卡", "就业创业服务", "社保经办", "技能人才评价", "劳动仲裁", "工伤保险审核",
           "人事档案数字化"],
    "health": ["全民健康信息", "电子健康档案", "检查检验结果互认", "互联网医院监管", "公共卫生应急",
               "基层医疗卫生", "疾病预防控制", "120急救调度"],
    "market": ["食品安全追溯", "企业信用监管", "特种设备监管", "市场主体登记", "“互联网+监管”",
               "药品追溯", "价格监测"],
    "edu": ["智慧校园", "教育资源公共服务", "招生考试", "学籍管理", "教育督导"],
    "civil": ["社会救助", "养老服务", "婚姻登记", "殡葬服务", "社会组织管理", "区划地名"],
    "housing": ["住房公积金", "工程建设审批", "房屋交易", "物业管理", "建筑市场监管", "城市体检"],
    "land": ["不动产登记", "国土空间规划", "时空信息云", "自然资源监测", "测绘地理信息"],
    "eco": ["生态环境监测", "污染源监控", "河湖长制", "固体废物管理", "环境执法"],
    "transport": ["智慧交通", "公交调度", "道路运输监管", "治超检测", "综合交通大数据"],
    "urban": ["数字城管", "智慧停车", "市政设施监测", "城市运行管理", "环卫作业监管"],
    "emergency": ["应急指挥", "安全生产监管", "自然灾害监测预警", "危化品监管", "应急物资管理"],
    "medical": ["医保结算", "医保基金监管", "医保电子凭证", "长护险经办"],
    "credit": ["社会信用", "投资项目在线审批", "重大项目调度", "价格认证", "粮食储备监管"],
    "agri": ["智慧农业", "农产品质量追溯", "动物防疫", "高标准农田", "农村集体资产"],
    "water": ["防汛抗旱", "水资源监测", "智慧水利", "河道采砂监管"],
    "culture": ["智慧旅游", "公共文化云", "文物保护监测", "应急广播"],
}  # fmt: skip
OBJECTS = ["平台", "系统", "管理系统", "服务平台", "数据库", "监管平台", "指挥中心", "一体化平台",
           "综合应用", "APP", "专网", "监测系统", "大数据平台", "协同平台"]  # fmt: skip
WORKS = [
    ("new", "建设"), ("new", "（一期）建设"), ("new", "（二期）建设"), ("upgrade", "升级改造"),
    ("upgrade", "扩容"), ("upgrade", "迁移上云"), ("upgrade", "信创改造"), ("upgrade", "优化完善"),
    ("operation", "运维服务"), ("operation", "运行维护"), ("service", "购买服务"),
    ("service", "数据治理服务"), ("new", "试点"), ("upgrade", "等保整改"),
]  # fmt: skip
PREFIXES = ["", "", "", "", "全市", "市本级", "县域", "跨部门", "全域", "智慧化"]
PLAN_ITEMS = ["政务“一张网”", "政务“一朵云”", "一体化应用支撑平台", "数据共享交换和基础库",
              "“互联网+政务服务”", "城市运行管理中心", "“一网统管”", "网络安全“一中心、两平台”",
              "社会保障和就业", "智慧医疗和公共卫生", "市场监管和“互联网+监管”",
              "生态环境和自然资源"]  # fmt: skip
RETURN_REASONS = [
    "实施方案未说明与数据共享交换平台的对接方式，请补充后重新申报。",
    "投资概算缺少硬件配置清单和询价依据，请补充。",
    "未附数据资源目录及共享清单，请补充后重新申报。",
    "建设内容与已建系统存在交叉，请说明整合方式。",
    "密码应用方案未经评估，请补充密评意见。",
]
SUSPEND_REASONS = [
    "与省级统建内容存在交叉，暂停待统筹论证。",
    "年度资金调整，暂缓实施。",
    "审计发现问题，暂停整改。",
]
TERMINATE_REASONS = ["建设内容已纳入省级统建项目，本项目终止。", "需求发生重大变化，项目终止。"]
RESUME_NOTE = "问题已整改，恢复实施。"
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ATTACHMENT_PATH = "attachments/dataset/proposal.pdf"
DAY = dt.timedelta(days=1)


def _labels():
    return {t.name: t.custom["label"] for t in Project().get_all_status_transitions()}


def project_name(rng, domain, bureau) -> tuple[str, str]:
    subjects = SUBJECTS.get(domain) or [bureau.removesuffix("局").removesuffix("委员会")]
    category, work = rng.choice(WORKS)
    obj = rng.choice(OBJECTS)
    name = f"{rng.choice(PREFIXES)}{rng.choice(subjects)}{obj}{work}"
    if category == "operation" and rng.random() < 0.6:
        name = name.removesuffix(work) + f"{work}（{rng.randint(2021, 2026)}年度）"
    return name[:120], category


class Walk:
    """One project's walk through the lifecycle, cut off at ``now``."""

    def __init__(self, ctx, at, people):
        self.ctx, self.rng, self.at, self.people = ctx, ctx.rng, at, people
        self.state, self.steps, self.done = S.DRAFT, [], False
        self.suspended_from = ""
        self.reason = ""
        self.received = None

    def wait(self, lo, hi, hour=None):
        """Advance the clock; False (and stop) when the next step would be after now."""
        at = self.at + self.rng.randint(lo, hi) * DAY
        if hour is not None:
            at = at.replace(hour=hour, minute=self.rng.randint(0, 59))
        if at >= self.ctx.now:
            self.done = True
            return False
        self.at = at
        return True

    def fire(self, action, to, actor, comment=""):
        self.steps.append(Transition(action, self.state, to, self.at, actor, comment))
        self.state = to
        if comment and action in ("return_", "suspend", "terminate", "send_back"):
            self.reason = comment

    def maybe_interrupt(self, office, leader) -> bool:
        """Now and then the office or a leader suspends (and mostly resumes) or terminates."""
        roll = self.rng.random()
        if roll < 0.015:
            self.fire("terminate", S.TERMINATED, office, self.rng.choice(TERMINATE_REASONS))
            return True
        if roll < 0.04:
            self.suspended_from = self.state
            self.fire("suspend", S.SUSPENDED, leader, self.rng.choice(SUSPEND_REASONS))
            if not self.wait(20, 120, hour=10):
                return True
            if self.rng.random() < 0.15:
                self.fire("terminate", S.TERMINATED, office, self.rng.choice(TERMINATE_REASONS))
                return True
            self.fire("resume", self.suspended_from, leader, RESUME_NOTE)
            self.suspended_from = ""
        return False

    def run(self):
        p, rng = self.people, self.rng
        if rng.random() < 0.03 or not self.wait(3, 40, hour=9):
            return  # still being written (or abandoned)
        while True:  # submission and precheck, possibly returned
            self.fire("submit", S.SUBMITTED, p["officer"])
            self.received = None
            if not self.wait(1, 6, hour=10):
                return
            self.received = self.at
            if not self.wait(0, 8, hour=15):
                return
            if rng.random() < 0.14:
                self.fire("return_", S.RETURNED, p["office"], rng.choice(RETURN_REASONS))
                if not self.wait(4, 25, hour=11):
                    return
                continue
            self.fire("accept_for_review", S.IN_REVIEW, p["office"])
            if self.maybe_interrupt(p["office"], p["leader"]):
                return
            if not self.wait(20, 70, hour=16):
                return
            roll = rng.random()
            if roll < 0.08:
                self.fire("reject", S.REJECTED, p["office"], "联审会议表决不予通过。")
                return
            if roll < 0.2:
                self.fire("send_back", S.RETURNED, p["office"], "联审会议要求补充论证后再审。")
                if not self.wait(10, 40, hour=11):
                    return
                continue
            self.fire("approve", S.APPROVED, p["office"])
            break
        stages = [
            ((10, 60), "list_in_budget", S.FUNDED, "finance"),
            ((20, 90), "start_construction", S.IN_CONSTRUCTION, "officer"),
            ((120, 420), "request_acceptance", S.ACCEPTANCE_REQUESTED, "officer"),
        ]
        for (lo, hi), action, to, who in stages:
            if self.maybe_interrupt(p["office"], p["leader"]) or not self.wait(lo, hi, hour=14):
                return
            self.fire(action, to, p[who])
        while rng.random() < 0.25:
            if not self.wait(15, 50, hour=15):
                return
            self.fire("require_rectification", S.RECTIFYING, p["office"])
            if not self.wait(30, 90, hour=10):
                return
            self.fire("request_acceptance", S.ACCEPTANCE_REQUESTED, p["officer"])
        for (lo, hi), action, to in [
            ((15, 50), "accept", S.ACCEPTED),
            ((365, 450), "start_evaluation", S.EVALUATING),
            ((30, 90), "complete_evaluation", S.EVALUATED),
        ]:
            if not self.wait(lo, hi, hour=15):
                return
            self.fire(action, to, p["office"])


def _investment(rng, total: Decimal, level: int) -> dict:
    def part(share):
        return (total * Decimal(share)).quantize(Decimal("1"))

    security = part(rng.choice(["0.12", "0.10", "0.15", "0.08", "0.11", "0.06", "0.13"]))
    crypto = part("0.04") if level >= 3 else Decimal(0)
    hardware, services, other = part("0.35"), part("0.12"), part("0.03")
    software = total - security - crypto - hardware - services - other
    return {
        "invest_hardware": hardware,
        "invest_software": software,
        "invest_services": services,
        "invest_security": security,
        "invest_crypto": crypto,
        "invest_other": other,
    }


def _write_attachment_file():
    path = Path(settings.MEDIA_ROOT) / ATTACHMENT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(TINY_PDF)


@dataset_step(20)
def projects(ctx):
    j, rng, scale = ctx.jurisdiction, ctx.rng, ctx.scale
    labels = _labels()
    users = User.objects.filter(organisation__jurisdiction=j)
    role_users = {}
    for pk, org_id, code in users.values_list("pk", "organisation_id", "roles__code"):
        role_users.setdefault(code, []).append((pk, org_id))
    officers, heads = {}, {}
    for pk, org_id in role_users[Role.DEPT_OFFICER]:
        officers.setdefault(org_id, []).append(pk)
    for pk, org_id in role_users[Role.DEPT_HEAD]:
        heads[org_id] = pk
    office = [pk for pk, _ in role_users[Role.OFFICE]]
    leaders = [pk for pk, _ in role_users[Role.LEADER]]
    finance = [pk for pk, _ in role_users[Role.FINANCE]]
    departments = list(
        Organisation.objects.filter(jurisdiction=j, kind="department")
        .order_by("pk")
        .values_list("pk", "name")
    )
    domains = {}
    for name, domain in _domain_names(j, [name for _, name in departments]):
        domains[name] = domain
    # Annual task lists, one per year, with items led by departments.
    first_year = ctx.start.year
    plans, items = [], []
    for year in range(first_year, ctx.today.year + 2):
        plan_id = ids.take(AnnualPlan)[0]
        plans.append((plan_id, j.pk, year, f"{j.name}{year}年度政务信息化项目建设任务清单"))
        for k, title in enumerate(PLAN_ITEMS, start=1):
            lead = departments[rng.randrange(min(len(departments), 20))][0]
            items.append((ids.take(AnnualPlanItem)[0], plan_id, f"{k:02d}", title, lead, year))
    bulk_insert(AnnualPlan, ("id", "jurisdiction_id", "year", "title"), plans)
    bulk_insert(AnnualPlanItem, ("id", "plan_id", "code", "name", "lead_id"),
                [row[:5] for row in items])  # fmt: skip
    items_by_year = {}
    for row in items:
        items_by_year.setdefault(row[5], []).append(row[0])
    platforms = list(CommonPlatform.objects.values_list("pk", flat=True))
    _write_attachment_file()

    n = scale.per_unit(scale.projects)
    sizes = weighted_sizes(rng, n, len(departments), skew=0.9)
    rng.shuffle(departments)
    project_rows, resources, attachments, justifications, links = [], [], [], [], []
    span = (ctx.now - ctx.start).total_seconds()
    project_ids = iter(ids.take(Project, n))
    seq = 0
    for (dept_id, dept_name), size in zip(departments, sizes, strict=True):
        domain = domains.get(dept_name, "data")
        bureau = next((b for d, b, _ in DEPARTMENTS if d == domain), "")
        for _ in range(size):
            pk = next(project_ids)
            seq += 1
            # Creation dates lean towards recent years (more projects each year).
            created = ctx.start + dt.timedelta(seconds=span * rng.random() ** 0.8)
            created = created.replace(hour=9, minute=rng.randint(0, 59))
            people = {
                "officer": rng.choice(officers[dept_id]),
                "head": heads[dept_id],
                "office": rng.choice(office),
                "leader": rng.choice(leaders),
                "finance": rng.choice(finance),
            }
            walk = Walk(ctx, created, people)
            walk.run()
            ctx.history[pk] = walk.steps
            name, category = project_name(rng, domain, bureau)
            level = rng.choice([1, 2, 2, 2, 3, 3, 3, 3, 4])
            total = Decimal(rng.choice([rng.randint(20, 300), rng.randint(100, 1200),
                                        rng.randint(500, 5000)])) * 10000  # fmt: skip
            parts = _investment(rng, total, level)
            start_year = created.year + (1 if created.month > 9 else 0)
            years = 1 if total < 8_000_000 else rng.choice([1, 2, 2, 3])
            plan_choices = items_by_year.get(start_year) or items_by_year[max(items_by_year)]
            annual = rng.random() < 0.8
            steps = walk.steps
            submits = [t for t in steps if t.action == "submit"]
            approved = None
            if any(t.action == "approve" for t in steps):
                approved = (
                    total * Decimal(rng.choice(["1", "1", "0.95", "0.9", "0.85"]))
                ).quantize(Decimal("100"))
            received_at = walk.received if walk.state != S.RETURNED else None
            updated = steps[-1].at if steps else created
            state = walk.state
            project_rows.append(
                (pk, f"{j.code.upper()}-{start_year}-{seq:05d}", name, j.pk, dept_id, category,
                 "annual" if annual else "adhoc",
                 "" if annual else "省级部署的专项任务，须在年内上线，无法等待下一年度集中申报。",
                 start_year, start_year + years - 1,
                 rng.choice(plan_choices) if annual else None,
                 f"围绕“{name}”，统筹利用政务云、政务外网和共性支撑平台，完成需求分析、系统建设、"
                 "数据对接和安全保障，实现跨部门数据共享和业务协同。",
                 *parts.values(), total, approved, level, False, "gov_cloud", "",
                 "", "extranet", False, False, False, False, "",
                 people["officer"], created, updated,
                 submits[-1].at if submits else None,
                 people["head"] if submits else None,
                 submits[-1].at - dt.timedelta(hours=2) if submits else None,
                 people["office"] if received_at else None, received_at,
                 walk.reason if state in (S.RETURNED, S.SUSPENDED, S.TERMINATED) else "",
                 1 + len(steps), state, walk.suspended_from if state == S.SUSPENDED else "")
            )  # fmt: skip
            short = name[:14]
            resources.append((pk, f"{short}业务数据", "conditional", "市大数据中心、市政府办"))
            resources.append((pk, f"{short}统计数据", "unconditional", ""))
            if steps or rng.random() < 0.5:
                kinds = ["proposal", "data_catalogue"] + (["crypto_plan"] if level >= 3 else [])
                for kind in kinds:
                    attachments.append(
                        (pk, kind, f"{name[:40]}{kind}.pdf", people["officer"], created)
                    )
            chosen = rng.sample(platforms, rng.randint(0, 3))
            links.extend((pk, platform) for platform in chosen)
            if parts["invest_security"] < total / 10:
                justifications.append(
                    (pk, "R1", "安全能力复用市网络安全管理中心，本项目不重复投入。")
                )
            if not chosen:
                justifications.append(
                    (pk, "R6", "本系统为内部业务系统，不面向公众办事，暂不涉及共性平台。")
                )
            _project_events(ctx, pk, created, people, steps, labels, name)
    cols = ("id", "code", "name", "jurisdiction_id", "department_id", "category", "channel",
            "adhoc_justification", "start_year", "end_year", "plan_item_id", "summary",
            "invest_hardware", "invest_software", "invest_services", "invest_security",
            "invest_crypto", "invest_other", "total_investment", "approved_amount",
            "protection_level", "classified", "deployment", "own_room_reason",
            "own_room_interface", "network", *Project.RESTRICTED_FIELDS, "restricted_reason",
            "created_by_id",
            "created_at", "updated_at", "submitted_at", "head_confirmed_by_id",
            "head_confirmed_at", "received_by_id", "received_at", "last_reason", "version",
            "status", "suspended_from")  # fmt: skip
    bulk_insert(Project, cols, project_rows)
    bulk_insert(DataResource, ("id", "project_id", "name", "sharing_mode", "consumers",
                               "no_share_reason"),
                with_ids(DataResource, [(*r, "") for r in resources]))  # fmt: skip
    rows = [(p, kind, ATTACHMENT_PATH, name, len(TINY_PDF), "0" * 64, by, at)
            for p, kind, name, by, at in attachments]  # fmt: skip
    bulk_insert(Attachment, ("id", "project_id", "kind", "file", "original_name", "size",
                             "sha256", "uploaded_by_id", "uploaded_at"),
                with_ids(Attachment, rows))  # fmt: skip
    through = Project.common_platforms.through
    bulk_insert(through, ("id", "project_id", "commonplatform_id"), with_ids(through, links))
    by_at = cols.index("created_by_id"), cols.index("created_at")
    owners = {row[0]: (row[by_at[0]], row[by_at[1]]) for row in project_rows}
    rows = [(p, rule, text, *owners[p]) for p, rule, text in justifications]
    bulk_insert(Justification, ("id", "project_id", "rule_id", "text", "updated_by_id",
                                "updated_at"), with_ids(Justification, rows))  # fmt: skip
    states = {}
    for row in project_rows:
        states[row[-2]] = states.get(row[-2], 0) + 1
    ctx.log(f"  {j.name}: {len(project_rows)} 个项目 " + "、".join(
        f"{S(s).label} {c}" for s, c in sorted(states.items(), key=lambda x: -x[1])))  # fmt: skip


def _domain_names(j, names):
    from core.dataset import department_names

    return department_names(j, len(names))


def _project_events(ctx, pk, created, people, steps, labels, name):
    officer, head, office = people["officer"], people["head"], people["office"]
    ev = ctx.event
    ev(created, officer, "create", "新建项目", subject_type="project", subject_id=pk,
       project_id=pk, data={"name": name})  # fmt: skip
    edits = ctx.rng.randint(0, 3)
    for k in range(edits):
        at = created + dt.timedelta(hours=2 + 5 * k)
        ev(at, officer, "update", "修改申报信息", subject_type="project", subject_id=pk,
           project_id=pk, data={"fields": ["建设内容"]})  # fmt: skip
    for t in steps:
        if t.action == "submit":
            ev(t.at - dt.timedelta(hours=2), head, "confirm", "单位负责人确认",
               subject_type="project", subject_id=pk, project_id=pk)  # fmt: skip
        ev(t.at, t.actor_id, t.action, labels[t.action], subject_type="project", subject_id=pk,
           project_id=pk, from_state=t.from_state, to_state=t.to_state, comment=t.comment)  # fmt: skip
        if t.action == "submit":
            ctx.notify(office, t.at, f"新申报项目待签收：{name}", f"/projects/{pk}/")
        elif t.action in ("return_", "approve", "reject", "send_back"):
            verb = {"return_": "被退回修改", "approve": "已批复通过", "reject": "未通过联审",
                    "send_back": "被退回补充"}[t.action]  # fmt: skip
            recent = (ctx.now - t.at).days < 30
            ctx.notify(officer, t.at, f"项目“{name}”{verb}", f"/projects/{pk}/", read=not recent)


@dataset_check
def states_match_history(scale):
    """Every project's transitions chain from draft, each starting where the previous ended,
    and the last one ends in the project's state (draft projects have none)."""
    sql = """
        WITH t AS (
            SELECT project_id, from_state, to_state,
                   LAG(to_state) OVER (PARTITION BY project_id ORDER BY chain, seq) AS before,
                   ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY chain, seq DESC) AS back
            FROM core_auditevent WHERE subject_type = 'project' AND to_state <> ''
        )
        SELECT p.id, p.status, t.from_state, t.to_state, t.before, t.back
        FROM t JOIN projects_project p ON p.id = t.project_id
        WHERE t.from_state <> COALESCE(t.before, 'draft')
           OR (t.back = 1 AND t.to_state <> p.status)
        LIMIT 5
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT id, status FROM projects_project p WHERE status <> 'draft' AND NOT EXISTS "
            "(SELECT 1 FROM core_auditevent e WHERE e.project_id = p.id AND e.to_state <> '' "
            "AND e.subject_type = 'project') LIMIT 5"
        )
        orphans = cursor.fetchall()
    problems = [
        f"项目 #{pk} 状态“{status}”与流转记录不符（{frm}→{to}，上一步到“{before or 'draft'}”）"
        for pk, status, frm, to, before, _ in rows
    ]
    problems += [f"项目 #{pk} 状态“{status}”没有任何流转记录" for pk, status in orphans]
    return problems


@dataset_check
def every_state_present(scale):
    present = set(Project.objects.values_list("status", flat=True).distinct())
    missing = [s.label for s in S if s not in present]
    return [f"缺少以下状态的项目：{'、'.join(missing)}"] if missing else []


@dataset_check
def project_count(scale):
    count = Project.objects.count()
    if count != scale.projects:
        return [f"项目 {count} 个，规模 {scale.name} 应为 {scale.projects} 个"]
    return []
