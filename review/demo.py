"""Review demo people and texts (SPEC §4): committees and expert pools of 湘潭市 and 海州区.
The calendar that uses them is ``workspace/demo.py``."""

from core.models import Organisation, Role, User
from projects.demo import DEMO_PASSWORD

from .models import Expert

R = Role
# (username, full name, organisation code, roles)
COMMITTEE_USERS = [
    ("wy_liu", "刘卫东", "xt-lg", [R.COMMITTEE]),
    ("wy_wang", "王建平", "xt-lg", [R.COMMITTEE]),
    ("wy_zhang", "张晓红", "xt-fgw", [R.COMMITTEE]),
    ("wy_chen", "陈永强", "xt-dsj", [R.COMMITTEE]),
    ("wy_xu", "徐丽华", "xt-czj", [R.COMMITTEE]),
    ("hz_wy_dong", "董立华", "hz-lg", [R.COMMITTEE]),
    ("hz_wy_dai", "戴明亮", "hz-fgj", [R.COMMITTEE]),
    ("hz_wy_ji", "季永平", "hz-czj", [R.COMMITTEE]),
    ("hz_wy_qiu", "邱海峰", "hz-wxb", [R.COMMITTEE]),
]
COMMITTEES = {
    "xt": ["leader", "wy_liu", "wy_wang", "wy_zhang", "wy_chen", "wy_xu", "xzsp_head"],
    "hz": ["hz_leader", "hz_wy_dong", "hz_wy_dai", "hz_wy_ji", "hz_wy_qiu", "hz_xzsp_head"],
}
ABSENT = {"xt": "wy_xu", "hz": "hz_wy_ji"}  # quorum still met (2/3)
# (username, full name, employer, title, speciality, conflicts)
EXPERTS = [
    ("expert", "曾立新", "xt-xtu", "教授", "软件工程", []),
    ("zj_li", "李文涛", "xt-xtu", "教授", "信息安全", []),
    ("zj_wu", "吴建平", "xt-xtu", "副教授", "数据治理", []),
    ("zj_zhou", "周海燕", "xt-hnust", "教授", "网络工程", []),
    ("zj_hu", "胡振华", "xt-hnust", "研究员", "密码应用", []),
    ("zj_guo", "郭志明", "xt-bdzq", "高级工程师", "信创系统集成", ["xt-gaj"]),
    ("zj_ma", "马俊", "xt-bdzq", "高级工程师", "云计算", []),
    ("zj_lu", "陆海军", "xt-dsj", "高级工程师", "政务数据共享", []),
    ("hz_zj_wang", "王志刚", "hz-jou", "教授", "计算机应用", []),
    ("hz_zj_chen", "陈静", "hz-jou", "副教授", "信息管理", []),
    ("hz_zj_liu", "刘洋", "hz-lgzy", "高级工程师", "网络安全", []),
    ("hz_zj_zhao", "赵敏", "hz-lgzy", "副教授", "电子政务", []),
    ("hz_zj_sun", "孙宏", "hz-jou", "高级工程师", "软件测试", []),
]

OPINIONS = {
    "security": [
        "安全建设内容与等保{level}要求基本对应，须在上线前完成等保测评和风险评估。",
        "网络安全投入{share}，方案列明了边界防护和日志审计，同意按方案建设。",
        "请补充数据分类分级清单，敏感字段加密存储；其余安全内容可行。",
        "安全方案复用了统一安全管理平台，避免重复采购，同意。",
    ],
    "cryptography": [
        "密码应用方案覆盖身份鉴别和传输加密，建成后一年内完成密评。",
        "须采用商用密码产品认证目录内的产品，方案总体可行。",
        "建议接入统一密码服务平台，不单独采购密码机。",
    ],
    "technical": [
        "技术路线可行，建议复用统一身份认证和电子证照，接口按省规范开放。",
        "系统架构合理；须明确与现有平台的数据对接方式和切换计划。",
        "功能设计基本满足需求，请将移动端纳入统一APP而不另建客户端。",
        "建议部署在政务云，不新购服务器；测试环境与生产环境隔离。",
    ],
    "investment": [
        "符合年度建设任务清单，投资构成总体合理。",
        "项目必要性充分，建议分年度安排资金。",
        "与已建系统不存在重复投资，同意纳入年度计划。",
    ],
    "fiscal": [
        "经财政评审，软件开发工作量测算偏高，建议核减。",
        "服务费用标准高于同类项目，按评审价核定。",
        "硬件参数可利旧部分设备，建议核减相应费用。",
        "经评审，投资估算基本合理，个别单价下调后核定。",
    ],
}
EXPERT_COMMENTS = [
    "建设必要性充分，建议加强与{dept}现有系统的数据共享。",
    "需求分析扎实，建议细化分期目标和验收指标。",
    "技术方案可行，投资测算略偏保守。",
    "应用场景清楚，建议补充运维保障和人员培训安排。",
    "数据资源目录完整，共享方式需进一步明确。",
    "方案对安全保障考虑周到，建议压缩硬件采购。",
    "与省级统建平台的边界需进一步说明。",
]


def ensure_users() -> dict[str, User]:
    roles = {r.code: r for r in Role.objects.all()}
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {}
    rows = [*COMMITTEE_USERS, *((u, n, o, [R.EXPERT]) for u, n, o, *_ in EXPERTS)]
    for username, full_name, org_code, role_codes in rows:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "organisation": orgs[org_code]}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.roles.set([roles[c] for c in role_codes])
        users[username] = user
    for username, _name, org_code, title, speciality, conflicts in EXPERTS:
        org = orgs[org_code]
        expert, _ = Expert.objects.update_or_create(
            user=users[username],
            defaults={
                "jurisdiction": org.jurisdiction,
                "employer": org,
                "title": title,
                "speciality": speciality,
            },
        )
        expert.conflicts.set([orgs[c] for c in conflicts])
    return users


def accounts():
    """(username, full name, organisation, roles) of the review demo's people, for listings."""
    names = {r.code: r.name for r in Role.objects.all()}
    for username, full_name, org_code, role_codes in COMMITTEE_USERS:
        yield username, full_name, org_code, [names[c] for c in role_codes]
    for username, full_name, org_code, title, speciality, _ in EXPERTS:
        yield username, f"{full_name}（{title}，{speciality}）", org_code, [names[R.EXPERT]]
