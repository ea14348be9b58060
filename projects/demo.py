"""Demo data for 湘潭市 built through the services (used by ``manage.py seed_demo``).

Departments and project names come from ../shared/reference/seed-domain.md §7.1 and §8.1.
"""

import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Organisation, Role, User

from . import rules, services
from .models import AnnualPlan, AnnualPlanItem, CommonPlatform, Project

DEMO_PASSWORD = "Demo@2026"
JURISDICTION = "xt"
YEAR = 2026

# (username, full name, organisation code, roles)
USERS = [
    ("office", "周晓明", "xt-xzsp", [Role.OFFICE]),
    ("leader", "刘建国", "xt-lg", [Role.LEADER, Role.COMMITTEE]),
    ("finance", "郑涛", "xt-czj", [Role.FINANCE, Role.REVIEWER]),
    ("audit", "冯平", "xt-sjj", [Role.AUDITOR]),
    ("wxb", "李明", "xt-wxb", [Role.REVIEWER]),
    ("mmj", "赵刚", "xt-mmj", [Role.REVIEWER]),
    ("gxj", "孙伟", "xt-gxj", [Role.REVIEWER]),
    ("fgw", "钱进", "xt-fgw", [Role.REVIEWER]),
    ("expert", "曾立新", "xt-xtu", [Role.EXPERT]),
    ("dsj", "陈立", "xt-dsj", [Role.DEPT_OFFICER]),
    ("dsj_head", "黄建华", "xt-dsj", [Role.DEPT_HEAD]),
    ("gaj", "杨志明", "xt-gaj", [Role.DEPT_OFFICER]),
    ("gaj_head", "何国强", "xt-gaj", [Role.DEPT_HEAD]),
    ("rsj", "林丽娟", "xt-rsj", [Role.DEPT_OFFICER]),
    ("rsj_head", "高海燕", "xt-rsj", [Role.DEPT_HEAD]),
    ("szfb", "罗文静", "xt-szfb", [Role.DEPT_OFFICER]),
    ("szfb_head", "梁俊杰", "xt-szfb", [Role.DEPT_HEAD]),
    ("scjg", "宋秀英", "xt-scjg", [Role.DEPT_OFFICER]),
    ("scjg_head", "谢晓东", "xt-scjg", [Role.DEPT_HEAD]),
    ("wjw", "韩红梅", "xt-wjw", [Role.DEPT_OFFICER]),
    ("wjw_head", "唐伟东", "xt-wjw", [Role.DEPT_HEAD]),
]

PLAN_ITEMS = [
    ("01", "全市政务“一张网”（电子政务外网升级改造）", "xt-dsj"),
    ("02", "全市政务“一朵云”（统一政务云和云管平台）", "xt-dsj"),
    ("03", "一体化应用支撑“大平台”", "xt-szfb"),
    ("04", "市数据共享交换平台升级和基础库、主题库建设", "xt-dsj"),
    ("05", "“互联网+政务服务”一体化平台优化升级", "xt-xzsp"),
    ("06", "政府决策驾驶舱和智慧城市运行管理中心", "xt-szfb"),
    ("07", "全市“一网统管”平台", "xt-zfw"),
    ("08", "网络安全“一中心、两平台”", "xt-gaj"),
    ("09", "社会保障和就业服务数字化", "xt-rsj"),
    ("10", "智慧医疗和公共卫生信息化", "xt-wjw"),
    ("11", "市场监管和“互联网+监管”", "xt-scjg"),
    ("12", "生态环境和自然资源监测", "xt-sthj"),
]

# (department, project name, category, total 万元, 等保 level, plan item code or None)
PROJECTS = [
    ("dsj", "电子政务外网升级改造及市县乡村四级统一智能运维", "upgrade", 1860, 3, "01"),
    ("dsj", "政务外网专网迁移整合工程", "upgrade", 920, 3, "01"),
    ("dsj", "统一政务云基础设施扩容", "new", 2450, 3, "02"),
    ("dsj", "政务云管平台建设", "new", 680, 3, "02"),
    ("dsj", "政务云资源运维服务（2026年度）", "operation", 530, 3, "02"),
    ("dsj", "市数据共享交换平台升级", "upgrade", 760, 3, "04"),
    ("dsj", "人口、法人、地理空间基础数据库建设", "new", 1120, 3, "04"),
    ("dsj", "宏观经济和营商环境主题库", "new", 430, 2, "04"),
    ("dsj", "省市数据共享平台级联对接及数据回流", "upgrade", 310, 3, "04"),
    ("dsj", "市公共数据资源目录和开放清单系统", "new", 260, 2, "04"),
    ("dsj", "政务算力调度网络（湘潭节点）", "new", 1580, 3, "02"),
    ("dsj", "区域共享超级计算平台接入服务", "service", 640, 2, None),
    ("szfb", "统一身份认证系统", "new", 390, 3, "03"),
    ("szfb", "统一电子证照管理系统", "new", 450, 3, "03"),
    ("szfb", "统一电子印章系统", "new", 360, 3, "03"),
    ("szfb", "统一密码服务平台", "new", 580, 3, "03"),
    ("szfb", "时空信息云平台", "new", 720, 2, "03"),
    ("szfb", "政府决策驾驶舱", "new", 860, 3, "06"),
    ("szfb", "智慧城市运行管理中心（一网观全城）", "new", 2980, 3, "06"),
    ("szfb", "政务协同办公平台及移动端", "upgrade", 540, 3, None),
    ("szfb", "政府网站集约化平台升级", "upgrade", 280, 2, None),
    ("szfb", "全市统一城市级综合服务APP", "new", 610, 3, None),
    ("gaj", "网络安全管理中心（一中心）", "new", 1350, 3, "08"),
    ("gaj", "安全大数据平台", "new", 990, 3, "08"),
    ("gaj", "安全能力服务平台", "new", 720, 3, "08"),
    ("gaj", "公安视频图像共享平台扩容", "upgrade", 1640, 4, None),
    ("gaj", "重点车辆审监联动系统", "new", 380, 3, "07"),
    ("gaj", "城市停车柔性执法平台", "new", 290, 2, "07"),
    ("gaj", "网络安全攻防演练和监测服务", "service", 240, 3, "08"),
    ("rsj", "社会保障一卡通一码通", "new", 830, 3, "09"),
    ("rsj", "就业创业一件事一次办系统", "new", 260, 2, "09"),
    ("rsj", "人社业务系统数据回流治理", "upgrade", 190, 2, "09"),
    ("rsj", "12345政务服务便民热线政企通专席（人社）", "service", 120, 2, None),
    ("rsj", "人社档案数字化", "service", 340, 2, "09"),
    ("wjw", "全民健康信息平台升级", "upgrade", 1260, 3, "10"),
    ("wjw", "医疗检查检验结果互认系统", "new", 470, 3, "10"),
    ("wjw", "基层医疗卫生机构信息系统运维", "operation", 310, 2, "10"),
    ("wjw", "公共卫生应急指挥信息系统", "new", 890, 3, "10"),
    ("wjw", "出生一件事联办系统", "new", 150, 2, "10"),
    ("scjg", "“互联网+监管”平台对接与应用", "upgrade", 330, 2, "11"),
    ("scjg", "蓝天碧水保护多跨场景", "new", 560, 2, "07"),
    ("scjg", "食品安全智慧监管系统", "new", 480, 2, "11"),
    ("scjg", "企业信用信息主题库", "new", 270, 2, "11"),
    ("scjg", "特种设备安全监管平台", "new", 390, 2, "11"),
    ("dsj", "“无证明城市”数据核验服务", "service", 220, 2, "04"),
    ("dsj", "数据全流程标准规范体系建设", "service", 160, 1, "04"),
    ("szfb", "“一件事一次办”跨域通办系统", "upgrade", 420, 2, None),
    ("gaj", "全市网络安全服务目录和供应链安全评估", "service", 180, 2, "08"),
    ("wjw", "智慧医保结算系统", "new", 640, 3, "10"),
    ("rsj", "技能人才评价信息系统", "new", 230, 2, "09"),
    ("szfb", "政务服务“好差评”系统升级", "upgrade", 190, 2, None),
    ("dsj", "政务数据安全分类分级平台", "new", 510, 3, "04"),
    ("scjg", "市场主体登记全程电子化", "upgrade", 300, 2, "11"),
    ("gaj", "智慧警务大数据平台", "new", 2100, 4, None),
    ("wjw", "互联网医院监管平台", "new", 350, 3, "10"),
    ("dsj", "政务外网IPv4/IPv6双栈改造", "upgrade", 440, 3, "01"),
    ("szfb", "12345热线知识库系统", "upgrade", 210, 2, None),
    ("rsj", "工伤保险智能审核系统", "new", 280, 2, "09"),
    ("scjg", "药品追溯监管系统", "new", 330, 2, "11"),
    ("dsj", "湘潭城市大脑中枢（一期）", "new", 3200, 3, "06"),
]

# Where each project ends up; the list repeats in this order over PROJECTS.
FATES = [
    "in_review",
    "submitted",
    "draft",
    "in_review",
    "returned",
    "in_review",
    "submitted",
    "suspended",
    "draft",
    "in_review",
    "terminated",
    "submitted",
]

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def ensure_users() -> dict[str, User]:
    roles = {r.code: r for r in Role.objects.all()}
    users = {}
    for username, full_name, org_code, role_codes in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "organisation": Organisation.objects.get(code=org_code),
            },
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


def ensure_plan():
    plan, _ = AnnualPlan.objects.get_or_create(
        jurisdiction_id=Organisation.objects.get(code="xt-xzsp").jurisdiction_id,
        year=YEAR,
        defaults={"title": f"湘潭市{YEAR}年度政务信息化项目建设任务清单"},
    )
    for code, name, lead in PLAN_ITEMS:
        AnnualPlanItem.objects.get_or_create(
            plan=plan,
            code=code,
            defaults={"name": name, "lead": Organisation.objects.get(code=lead)},
        )
    return {item.code: item for item in plan.items.all()}


def _fields(rng, name, category, total_wan, level, plan_item):
    total = Decimal(total_wan) * 10000
    security_share = Decimal(rng.choice(["0.12", "0.10", "0.15", "0.08", "0.11", "0.13"]))
    security = (total * security_share).quantize(Decimal("1"))
    crypto = (total * Decimal("0.04")).quantize(Decimal("1")) if level >= 3 else Decimal(0)
    hardware = (total * Decimal("0.35")).quantize(Decimal("1"))
    services = (total * Decimal("0.12")).quantize(Decimal("1"))
    other = (total * Decimal("0.03")).quantize(Decimal("1"))
    software = total - security - crypto - hardware - services - other
    return {
        "name": name,
        "category": category,
        "channel": "annual" if plan_item else "adhoc",
        "plan_item": plan_item,
        "adhoc_justification": ""
        if plan_item
        else "省级部署的专项任务，须在年内上线，无法等待下一年度集中申报。",
        "start_year": YEAR,
        "end_year": YEAR + (1 if total_wan > 1000 else 0),
        "summary": f"围绕“{name}”，按照湘潭市数字政府建设总体部署，"
        "统筹利用政务云、政务外网和共性支撑平台，完成需求分析、系统建设、"
        "数据对接和安全保障，实现跨部门数据共享和业务协同。",
        "invest_hardware": hardware,
        "invest_software": software,
        "invest_services": services,
        "invest_security": security,
        "invest_crypto": crypto,
        "invest_other": other,
        "protection_level": level,
        "classified": False,
        "deployment": "gov_cloud",
        "own_room_reason": "",
    }


def _upload(project, kind, name, by):
    services.attachment_add(
        project=project,
        kind=kind,
        by=by,
        upload=SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf"),
    )


def build_project(rng, users, plan_items, index, spec):
    dept, name, category, total_wan, level, item_code = spec
    officer, head = users[dept], users[f"{dept}_head"]
    platforms = list(CommonPlatform.objects.order_by("?")[: rng.randint(0, 3)])
    project = services.project_save_draft(
        by=officer,
        platforms=platforms,
        fields=_fields(rng, name, category, total_wan, level, plan_items.get(item_code)),
        data_resources=[
            {
                "name": f"{name[:12]}业务数据",
                "sharing_mode": "conditional",
                "consumers": "市大数据中心、市政府办",
            },
            {"name": f"{name[:12]}统计数据", "sharing_mode": "unconditional", "consumers": ""},
        ],
    )
    fate = FATES[index % len(FATES)]
    if fate == "draft" and index % 2:
        return project  # an incomplete draft, still being written
    _upload(project, "proposal", f"{name}项目建议书.pdf", officer)
    _upload(project, "data_catalogue", f"{name}数据资源目录及共享清单.pdf", officer)
    if level >= 3:
        _upload(project, "crypto_plan", f"{name}密码应用方案.pdf", officer)
    if project.security_share < Decimal("0.10"):
        services.justification_set(
            project=project,
            rule_id="R1",
            by=officer,
            text="本项目主要为数据治理服务，安全能力复用市网络安全管理中心。",
        )
    if not platforms:
        services.justification_set(
            project=project,
            rule_id="R6",
            by=officer,
            text="本系统为内部业务系统，不面向公众办事，暂不涉及共性平台。",
        )
    r7 = next(r for r in rules.preflight(project) if r.rule.id == "R7")
    if r7.status == rules.WARNING:
        services.justification_set(
            project=project,
            rule_id="R7",
            by=officer,
            text=f"已比对相似项目：“{name}”建设内容与之不重叠，共用部分复用已建成果，不重复采购。",
        )
    if fate == "draft":
        return project
    services.project_confirm(project=project, by=head)
    project = services.project_submit(project=project, by=officer)
    return _advance(project, fate, users)


def _advance(project, fate, users):
    office = users["office"]
    if fate == "submitted":
        return project
    if fate == "returned":
        services.project_receive(project=project, by=office)
        return services.project_return(
            project=project,
            by=office,
            reason="实施方案未说明与市数据共享交换平台的对接方式，请补充后重新申报。",
        )
    # accept_for_review belongs to review, which registers its service for the project page.
    project = services.ACTION_SERVICES["accept_for_review"](project, office, "")
    if fate == "suspended":
        return services.project_suspend(
            project=project,
            by=users["leader"],
            reason="与市级统一平台建设内容存在交叉，暂停评审待统筹论证。",
        )
    if fate == "terminated":
        return services.project_terminate(
            project=project, by=office, reason="建设内容已纳入省级统建项目，本项目终止。"
        )
    return project


def seed(stdout=None):
    rng = random.Random(20261121)
    users = ensure_users()
    plan_items = ensure_plan()
    existing = set(
        Project.objects.filter(jurisdiction__code=JURISDICTION).values_list("name", flat=True)
    )
    created = 0
    for index, spec in enumerate(PROJECTS):
        if spec[1] in existing:
            continue
        build_project(rng, users, plan_items, index, spec)
        created += 1
    return created
