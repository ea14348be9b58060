"""Demo data for 湘潭市 (city) and 海州区 (district), built through the services by
``manage.py seed_demo`` (the calendar itself is ``workspace/demo.py``).

Departments, owners and project names come from ../shared/reference/seed-domain.md §7.1, §7.5,
§8.1 and §8.5 (seed lines cited as ``file:line``). Each project's texts are composed from its
own name, department and plan item, so no summary or justification repeats across projects.
"""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Organisation, Role, User

from . import services
from .models import AnnualPlan, AnnualPlanItem, CommonPlatform, Project

DEMO_PASSWORD = "Demo@2026"
JURISDICTION = "xt"  # the city; the district is ``hz``
JURISDICTIONS = ("xt", "hz")
R = Role

# (username, full name, organisation code, roles); heads match the organisations' head_name.
USERS = [
    ("office", "周晓明", "xt-xzsp", [R.OFFICE]),
    ("leader", "刘建国", "xt-lg", [R.LEADER, R.COMMITTEE]),
    ("finance", "郑涛", "xt-czj", [R.FINANCE, R.REVIEWER]),
    ("audit", "冯平", "xt-sjj", [R.AUDITOR]),
    ("wxb", "李明", "xt-wxb", [R.REVIEWER]),
    ("mmj", "赵刚", "xt-mmj", [R.REVIEWER]),
    ("gxj", "孙伟", "xt-gxj", [R.REVIEWER]),
    ("fgw", "钱进", "xt-fgw", [R.REVIEWER]),
    ("dsj", "陈立", "xt-dsj", [R.DEPT_OFFICER]),
    ("dsj_head", "张建华", "xt-dsj", [R.DEPT_HEAD]),
    ("gaj", "杨志明", "xt-gaj", [R.DEPT_OFFICER]),
    ("gaj_head", "杨丽娟", "xt-gaj", [R.DEPT_HEAD]),
    ("rsj", "林丽娟", "xt-rsj", [R.DEPT_OFFICER]),
    ("rsj_head", "吴志明", "xt-rsj", [R.DEPT_HEAD]),
    ("szfb", "罗文静", "xt-szfb", [R.DEPT_OFFICER]),
    ("szfb_head", "赵国强", "xt-szfb", [R.DEPT_HEAD]),
    ("scjg", "宋秀英", "xt-scjg", [R.DEPT_OFFICER]),
    ("scjg_head", "林文静", "xt-scjg", [R.DEPT_HEAD]),
    ("wjw", "韩红梅", "xt-wjw", [R.DEPT_OFFICER]),
    ("wjw_head", "韩晓东", "xt-wjw", [R.DEPT_HEAD]),
    ("ybj", "易小琴", "xt-ybj", [R.DEPT_OFFICER]),
    ("ybj_head", "彭建明", "xt-ybj", [R.DEPT_HEAD]),
    # 网信办 leads the security projects (000:91, 000:93) and applies for them itself.
    ("wxb_sb", "黎志远", "xt-wxb", [R.DEPT_OFFICER]),
    ("wxb_head", "王海涛", "xt-wxb", [R.DEPT_HEAD]),
    # 行政审批局 applies for its own services (000:65-69); its head sits on the committee and
    # is recused on them.
    ("xzsp_sb", "邹雅琪", "xt-xzsp", [R.DEPT_OFFICER]),
    ("xzsp_head", "谭志刚", "xt-xzsp", [R.DEPT_HEAD, R.COMMITTEE]),
    # 海州区
    ("hz_office", "顾晓燕", "hz-xzsp", [R.OFFICE]),
    ("hz_leader", "孙正阳", "hz-lg", [R.LEADER, R.COMMITTEE]),
    ("hz_finance", "沈佳", "hz-czj", [R.FINANCE, R.REVIEWER]),
    ("hz_audit", "王秀兰", "hz-sjj", [R.AUDITOR]),
    ("hz_wxb", "吕婷", "hz-wxb", [R.REVIEWER]),
    ("hz_mmj", "严志超", "hz-mmj", [R.REVIEWER]),
    ("hz_gxj", "陆文华", "hz-gxj", [R.REVIEWER]),
    ("hz_fgj", "钱小红", "hz-fgj", [R.REVIEWER]),
    ("hz_xzsp_sb", "杨立群", "hz-xzsp", [R.DEPT_OFFICER]),
    ("hz_xzsp_head", "朱海波", "hz-xzsp", [R.DEPT_HEAD, R.COMMITTEE]),
    ("hz_zfw", "许红梅", "hz-zfw", [R.DEPT_OFFICER]),
    ("hz_zfw_head", "刘志强", "hz-zfw", [R.DEPT_HEAD]),
    ("hz_szfb", "潘晓丽", "hz-szfb", [R.DEPT_OFFICER]),
    ("hz_szfb_head", "蒋立新", "hz-szfb", [R.DEPT_HEAD]),
    ("hz_zhcs", "陈芳", "hz-zhcs", [R.DEPT_OFFICER]),
    ("hz_zhcs_head", "张晓峰", "hz-zhcs", [R.DEPT_HEAD]),
    ("hz_gaj", "赵明", "hz-gaj", [R.DEPT_OFFICER]),
    ("hz_gaj_head", "李国栋", "hz-gaj", [R.DEPT_HEAD]),
    ("hz_wxb_sb", "蔡宇航", "hz-wxb", [R.DEPT_OFFICER]),
    ("hz_wxb_head", "葛文龙", "hz-wxb", [R.DEPT_HEAD]),
    ("hz_wjw", "徐亮", "hz-wjw", [R.DEPT_OFFICER]),
    ("hz_wjw_head", "胡春燕", "hz-wjw", [R.DEPT_HEAD]),
    ("hz_rsj", "吴丽", "hz-rsj", [R.DEPT_OFFICER]),
    ("hz_rsj_head", "周建平", "hz-rsj", [R.DEPT_HEAD]),
    ("hz_scjg", "马文静", "hz-scjg", [R.DEPT_OFFICER]),
    ("hz_scjg_head", "孙立军", "hz-scjg", [R.DEPT_HEAD]),
    ("hz_mzj", "程军", "hz-mzj", [R.DEPT_OFFICER]),
    ("hz_mzj_head", "韦海燕", "hz-mzj", [R.DEPT_HEAD]),
]

# The office user, the finance user and the officer of each department, per jurisdiction.
OFFICE = {"xt": "office", "hz": "hz_office"}
FINANCE = {"xt": "finance", "hz": "hz_finance"}
REVIEWERS = {
    "xt": {
        "security": "wxb",
        "cryptography": "mmj",
        "technical": "gxj",
        "investment": "fgw",
        "fiscal": "finance",
    },
    "hz": {
        "security": "hz_wxb",
        "cryptography": "hz_mmj",
        "technical": "hz_gxj",
        "investment": "hz_fgj",
        "fiscal": "hz_finance",
    },
}


def officer_of(department_code: str) -> str:
    """``xt-dsj`` → ``dsj``; ``xt-wxb`` → ``wxb_sb``; ``hz-zfw`` → ``hz_zfw``."""
    jur, dept = department_code.split("-", 1)
    name = dept if jur == "xt" else f"hz_{dept}"
    return f"{name}_sb" if dept in ("wxb", "xzsp") else name


def head_of(department_code: str) -> str:
    return officer_of(department_code).removesuffix("_sb") + "_head"


# Annual task list items per jurisdiction: (code, name, lead organisation, seed line).
PLAN_ITEMS = {
    "xt": [
        ("01", "全市政务“一张网”（电子政务外网升级改造）", "xt-dsj", "000:51"),
        ("02", "全市政务“一朵云”（统一政务云和云管平台）", "xt-dsj", "000:53"),
        ("03", "一体化应用支撑“大平台”", "xt-szfb", "000:55"),
        ("04", "市数据共享交换平台升级和基础库、主题库建设", "xt-dsj", "000:59"),
        ("05", "“互联网+政务服务”一体化平台优化升级", "xt-xzsp", "000:65"),
        ("06", "政府决策驾驶舱和智慧城市运行管理中心", "xt-szfb", "000:71"),
        ("07", "全市“一网统管”平台", "xt-zfw", "000:77"),
        ("08", "网络安全“一中心、两平台”", "xt-wxb", "000:91"),
        ("09", "社会保障和就业服务数字化", "xt-rsj", "000:65"),
        ("10", "智慧医疗和医疗保障信息化", "xt-wjw", "000:65"),
        ("11", "市场监管和“互联网+监管”", "xt-scjg", "000:79"),
    ],
    "hz": [
        ("01", "苏服办海州旗舰店和政务服务应用管理", "hz-xzsp", "004:53"),
        ("02", "区政务云资源管理和外网双栈改造", "hz-xzsp", "004:57"),
        ("03", "“一网统管”和城区大脑", "hz-zfw", "004:65"),
        ("04", "数字机关和一体化协同办公", "hz-szfb", "004:71"),
        ("05", "“一网通办”和长三角跨省通办", "hz-xzsp", "004:69"),
        ("06", "网络安全技术防护", "hz-wxb", "004:89"),
        ("07", "数据汇聚治理和政务信息资源目录", "hz-xzsp", "004:81"),
    ],
}

# (department, name, category, total 万元, 等保 level, plan item or None, batch, fate)
# Batches: "y2" two years ago, "y1" last year, "b1" this year's first batch (window in the
# spring), "b2" this year's second batch (window open now). Fates are in workspace/demo.py.
PROJECTS = {
    "xt": [
        (
            "xt-dsj",
            "电子政务外网升级改造及市县乡村四级统一智能运维",
            "upgrade",
            1860,
            3,
            "01",
            "y2",
            "building_late",
        ),
        ("xt-szfb", "统一身份认证系统", "new", 390, 3, "03", "y2", "building_late"),
        ("xt-wxb", "网络安全管理中心（一中心）", "new", 1350, 3, "08", "y2", "building_late"),
        (
            "xt-xzsp",
            "“互联网+政务服务”一体化平台优化升级",
            "upgrade",
            980,
            3,
            "05",
            "y2",
            "building_late",
        ),
        ("xt-dsj", "市数据共享交换平台升级", "upgrade", 760, 3, "04", "y1", "building"),
        ("xt-gaj", "重点车辆审监联动系统", "new", 380, 3, "07", "y1", "building"),
        ("xt-rsj", "社会保障一卡通一码通", "new", 830, 3, "09", "y1", "building"),
        ("xt-ybj", "智慧医保结算系统", "new", 640, 3, "10", "y1", "building"),
        ("xt-szfb", "统一电子证照管理系统", "new", 450, 3, "03", "y1", "building"),
        ("xt-wxb", "安全大数据平台", "new", 990, 3, "08", "y1", "building_queue"),
        ("xt-scjg", "食品安全智慧监管系统", "new", 480, 2, "11", "y1", "rejected"),
        (
            "xt-dsj",
            "人口、法人、地理空间基础数据库建设",
            "new",
            1120,
            3,
            "04",
            "b1",
            "building_queue",
        ),
        ("xt-wjw", "全民健康信息平台升级", "upgrade", 1260, 3, "10", "b1", "building"),
        ("xt-xzsp", "全市统一城市级综合服务APP", "new", 610, 3, "05", "b1", "funded"),
        ("xt-wxb", "安全能力服务平台", "new", 720, 3, "08", "b1", "funded"),
        ("xt-szfb", "政府决策驾驶舱", "new", 860, 3, "06", "b1", "approved"),
        ("xt-rsj", "就业创业一件事一次办系统", "new", 260, 2, "09", "b1", "approved"),
        ("xt-scjg", "“互联网+监管”平台对接与应用", "upgrade", 330, 2, "11", "b1", "rejected"),
        ("xt-dsj", "政务云管平台建设", "new", 680, 3, "02", "b1", "suspended"),
        ("xt-gaj", "城市停车柔性执法平台", "new", 290, 2, "07", "b1", "terminated"),
        ("xt-dsj", "宏观经济和营商环境主题库", "new", 430, 2, "04", "b2", "agenda"),
        ("xt-wjw", "医疗检查检验结果互认系统", "new", 470, 3, "10", "b2", "agenda"),
        ("xt-szfb", "统一电子印章系统", "new", 360, 3, "03", "b2", "agenda"),
        ("xt-rsj", "工伤保险智能审核系统", "new", 280, 2, "09", "b2", "scoring"),
        ("xt-rsj", "人社档案数字化", "service", 340, 2, "09", "b2", "scored"),
        ("xt-szfb", "12345热线知识库系统", "upgrade", 210, 2, None, "b2", "ready"),
        ("xt-xzsp", "政府网站集约化平台升级", "upgrade", 280, 2, "05", "b2", "scoring"),
        ("xt-scjg", "特种设备安全监管平台", "new", 390, 2, "11", "b2", "opinions"),
        ("xt-ybj", "医保基金智能监管系统", "new", 520, 3, "10", "b2", "opinions"),
        ("xt-gaj", "公安视频图像共享平台扩容", "upgrade", 1640, 4, None, "b2", "submitted"),
        ("xt-dsj", "市公共数据资源目录和开放清单系统", "new", 260, 2, "04", "b2", "submitted"),
        (
            "xt-wxb",
            "全市网络安全服务目录和供应链安全评估",
            "service",
            180,
            2,
            "08",
            "b2",
            "returned",
        ),
        ("xt-wjw", "出生一件事联办系统", "new", 150, 2, "10", "b2", "draft"),
        ("xt-szfb", "时空信息云平台", "new", 720, 2, "03", "b2", "draft"),
        ("xt-gaj", "智慧警务大数据平台", "new", 2100, 4, None, "b2", "draft_incomplete"),
    ],
    "hz": [
        (
            "hz-xzsp",
            "苏服办海州旗舰店升级及政务服务应用管理系统",
            "upgrade",
            420,
            3,
            "01",
            "y2",
            "building_late",
        ),
        ("hz-zfw", "海州区“一网统管”基层治理平台", "new", 860, 3, "03", "y2", "building_late"),
        (
            "hz-xzsp",
            "电子政务外网骨干网IPv4/IPv6双栈改造",
            "upgrade",
            260,
            3,
            "02",
            "y1",
            "building",
        ),
        ("hz-szfb", "数字机关一体化协同办公平台", "new", 380, 3, "04", "y1", "building"),
        ("hz-gaj", "区疫情防控信息化平台整合", "upgrade", 310, 3, None, "y1", "terminated"),
        ("hz-wxb", "网络安全监测预警和攻防演练平台", "new", 450, 3, "06", "b1", "building"),
        ("hz-zhcs", "12345政务服务热线海州知识库", "upgrade", 120, 2, None, "b1", "funded"),
        ("hz-wjw", "长三角医疗检查检验结果互认海州接入", "new", 280, 3, "05", "b1", "approved"),
        ("hz-xzsp", "区政务云资源管理平台", "new", 330, 3, "02", "b1", "rejected"),
        ("hz-rsj", "人社业务“跨省通办”专区", "new", 190, 2, "05", "b2", "agenda"),
        ("hz-mzj", "结婚登记跨省通办系统", "new", 160, 2, "05", "b2", "agenda"),
        ("hz-scjg", "苏企通企业服务平台海州专区", "new", 210, 2, "05", "b2", "scoring"),
        ("hz-zhcs", "市12345在线平台海州政务信息知识库对接", "upgrade", 90, 2, None, "b2", "ready"),
        ("hz-zfw", "城区大脑运行监测一张图", "new", 740, 3, "03", "b2", "submitted"),
        ("hz-xzsp", "政务信息资源目录和数据汇聚治理系统", "new", 240, 2, "07", "b2", "draft"),
    ],
}

# Pools the texts are composed from (each project takes a different combination by index).
PURPOSES = [
    "解决跨部门数据重复采集、群众办事多头跑的问题",
    "补齐现有系统在移动端和基层应用上的短板",
    "支撑业务条线“一网通办”“一网统管”的目标",
    "消除分散建设形成的信息孤岛",
    "满足省级平台对接和数据回流的要求",
    "提高业务办理时效和监管的精准度",
    "落实等级保护和密码应用的合规要求",
]
APPROACHES = [
    "依托市政务云部署，复用统一身份认证和电子证照",
    "以现有系统改造升级为主，新建功能模块为辅",
    "按照“一数一源一标准”梳理数据资源目录",
    "采用微服务架构，接口按省统一规范开放",
    "分两期实施，先试点后推广至各县市区",
    "与省级统建系统对接，不重复建设基础能力",
]
OUTCOMES = [
    "建成后业务线上办理率预计达到90%以上",
    "预计每年减少纸质材料约12万份",
    "可实现数据按日更新、按需共享",
    "平均办理时间预计压缩一半",
    "形成可复用的共性组件供其他部门调用",
]
SPLITS = ["0.12", "0.10", "0.15", "0.11", "0.13", "0.14", "0.10", "0.12"]

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def ensure_users() -> dict[str, User]:
    roles = {r.code: r for r in Role.objects.all()}
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {}
    for username, full_name, org_code, role_codes in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "organisation": orgs[org_code]},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.roles.set([roles[c] for c in role_codes])
        users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"full_name": "系统管理员", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        admin.roles.set([roles[Role.ADMIN]])
    return users


def ensure_plan(jur: str, year: int) -> dict:
    office = Organisation.objects.get(code=f"{jur}-xzsp")
    name = office.jurisdiction.name
    plan, _ = AnnualPlan.objects.get_or_create(
        jurisdiction_id=office.jurisdiction_id,
        year=year,
        defaults={"title": f"{name}{year}年度政务信息化项目建设任务清单"},
    )
    for code, item, lead, _line in PLAN_ITEMS[jur]:
        AnnualPlanItem.objects.get_or_create(
            plan=plan,
            code=code,
            defaults={"name": item, "lead": Organisation.objects.get(code=lead)},
        )
    return {item.code: item for item in plan.items.all()}


def _fields(index, spec, plan_item, year):
    dept_code, name, category, total_wan, level, _item, _batch, _fate = spec
    total = Decimal(total_wan) * 10000
    security = (total * Decimal(SPLITS[index % len(SPLITS)])).quantize(Decimal("1"))
    if index % 9 == 4:  # a few projects below the 10% security share (R1 warning)
        security = (total * Decimal("0.08")).quantize(Decimal("1"))
    crypto = (total * Decimal("0.04")).quantize(Decimal("1")) if level >= 3 else Decimal(0)
    hardware = (total * Decimal("0.30" if category == "new" else "0.22")).quantize(Decimal("1"))
    services_ = (total * Decimal("0.12")).quantize(Decimal("1"))
    other = (total * Decimal("0.03")).quantize(Decimal("1"))
    software = total - security - crypto - hardware - services_ - other
    dept = Organisation.objects.get(code=dept_code).short_name
    summary = (
        f"{dept}牵头建设“{name}”，{PURPOSES[index % len(PURPOSES)]}。"
        f"{APPROACHES[(index * 5 + 1) % len(APPROACHES)]}；"
        f"{OUTCOMES[(index * 3 + 2) % len(OUTCOMES)]}。"
    )
    if plan_item:
        summary += f"对应年度任务清单第{plan_item.code}项“{plan_item.name}”。"
    return {
        "name": name,
        "category": category,
        "channel": "annual" if plan_item else "adhoc",
        "plan_item": plan_item,
        "adhoc_justification": ""
        if plan_item
        else f"“{name}”为上级部署的年内专项任务，须在{year}年内上线，不能等待下一年度集中申报。",
        "start_year": year,
        "end_year": year + (1 if total_wan > 800 else 0),
        "summary": summary,
        "invest_hardware": hardware,
        "invest_software": software,
        "invest_services": services_,
        "invest_security": security,
        "invest_crypto": crypto,
        "invest_other": other,
        "protection_level": level,
        "classified": False,
        "deployment": "gov_cloud",
        "own_room_reason": "",
        "network": "extranet",
    }


def _upload(project, kind, name, by):
    services.attachment_add(
        project=project,
        kind=kind,
        by=by,
        upload=SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf"),
    )


def draft(users, index, spec, plan_item, year) -> Project:
    """Write the proposal as the department's officer (complete unless its fate says not)."""
    dept_code, name, *_rest, fate = spec
    officer = users[officer_of(dept_code)]
    platforms = list(CommonPlatform.objects.order_by("code"))[index % 3 : index % 3 + index % 4]
    short = name[:10]
    project = services.project_save_draft(
        by=officer,
        platforms=platforms,
        fields=_fields(index, spec, plan_item, year),
        data_resources=[
            {
                "name": f"{short}业务办理数据",
                "sharing_mode": "conditional",
                "consumers": "市大数据中心、市政府办" if dept_code[:2] == "xt" else "区行政审批局",
            },
            {"name": f"{short}统计汇总数据", "sharing_mode": "unconditional", "consumers": ""},
        ],
    )
    if fate == "draft_incomplete":
        return project
    _upload(project, "proposal", f"{name}项目建议书.pdf", officer)
    _upload(project, "data_catalogue", f"{name}数据资源目录及共享清单.pdf", officer)
    if spec[4] >= 3:
        _upload(project, "crypto_plan", f"{name}密码应用方案.pdf", officer)
    if project.security_share < Decimal("0.10"):
        services.justification_set(
            project=project,
            rule_id="R1",
            by=officer,
            text=f"“{name}”以软件开发和数据治理为主，安全防护复用"
            f"{'市网络安全管理中心' if dept_code[:2] == 'xt' else '区网络安全监测预警平台'}"
            f"的能力，本项目安全投入占比{project.security_share * 100:.0f}%。",
        )
    if not platforms:
        services.justification_set(
            project=project,
            rule_id="R6",
            by=officer,
            text=f"“{name}”仅供{officer.organisation.short_name}内部业务人员使用，"
            "不面向公众办事，暂不接入共性平台，上线后按需对接统一身份认证。",
        )
    return project


def seeded(jur: str) -> set:
    return set(Project.objects.filter(jurisdiction__code=jur).values_list("name", flat=True))
