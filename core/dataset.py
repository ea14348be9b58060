"""Dataset steps of core (see ``core/datasets.py``): the jurisdictions, organisations and users
of each unit (order 10), and at the end (order 90) the unit's audit chain, with login and
logout events filling the chain to the scale's size, and its notifications.

Organisation and department names follow the seed plans (``../shared/reference/seed-domain.md``);
department sizes are skewed (a few departments file most projects)."""

import datetime as dt
import hmac
import json
from json.encoder import encode_basestring as enc

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from .audit import GENESIS
from .datasets import bulk_insert, copy_lines, dataset_check, dataset_step, ids
from .models import AuditChainHead, AuditEvent, Jurisdiction, Notification, Organisation, Role, User

DATASET_PASSWORD = "Demo@2026"

PROVINCE = ("hn", "湖南省")
# (code, name, counties): the city at city and demo scale is the first; a province has nine.
CITIES = [
    ("cs", "长沙市", ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "浏阳市"]),
    ("zz", "株洲市", ["荷塘区", "芦淞区", "石峰区", "天元区", "渌口区", "醴陵市"]),
    ("xtc", "湘潭市", ["雨湖区", "岳塘区", "湘潭县", "湘乡市", "韶山市"]),
    ("hy", "衡阳市", ["珠晖区", "雁峰区", "石鼓区", "蒸湘区", "南岳区", "耒阳市"]),
    ("sy", "邵阳市", ["双清区", "大祥区", "北塔区", "邵东市", "武冈市"]),
    ("yy", "岳阳市", ["岳阳楼区", "云溪区", "君山区", "汨罗市", "临湘市"]),
    ("cd", "常德市", ["武陵区", "鼎城区", "津市市", "澧县", "桃源县"]),
    ("yiy", "益阳市", ["资阳区", "赫山区", "沅江市", "桃江县", "安化县"]),
    ("cz", "郴州市", ["北湖区", "苏仙区", "资兴市", "桂阳县", "宜章县"]),
    ("yz", "永州市", ["零陵区", "冷水滩区", "祁阳市", "东安县", "道县"]),
]

# Departments by domain: (domain, bureau, affiliated units). Domains key the project vocabulary
# in projects/dataset.py.
DEPARTMENTS = [
    ("data", "大数据中心", ["政务服务中心", "信息中心", "电子政务外网运维中心"]),
    ("gov", "人民政府办公室", ["12345政务服务便民热线中心", "机关事务管理局", "档案馆"]),
    ("police", "公安局", ["交通警察支队", "出入境管理支队", "公安局网络安全保卫支队"]),
    ("hr", "人力资源和社会保障局", ["社会保险服务中心", "就业服务中心", "劳动人事争议仲裁院"]),
    ("health", "卫生健康委员会", ["疾病预防控制中心", "第一人民医院", "中心医院", "妇幼保健院"]),
    ("market", "市场监督管理局", ["食品药品检验所", "特种设备检验检测研究院", "标准化研究院"]),
    ("edu", "教育局", ["教育考试院", "电化教育馆", "第一中学"]),
    ("civil", "民政局", ["社会福利院", "殡葬管理所", "救助管理站"]),
    ("justice", "司法局", ["公证处", "法律援助中心"]),
    (
        "housing",
        "住房和城乡建设局",
        ["住房公积金管理中心", "建设工程质量安全监督站", "房产事务中心"],
    ),
    ("land", "自然资源和规划局", ["不动产登记中心", "测绘地理信息中心", "国土空间规划研究院"]),
    ("eco", "生态环境局", ["生态环境监测中心", "环境应急与事故调查中心"]),
    ("transport", "交通运输局", ["公路事务中心", "道路运输服务中心", "公共交通集团"]),
    ("water", "水利局", ["水文水资源勘测中心", "防汛抗旱指挥中心"]),
    ("agri", "农业农村局", ["农业综合执法支队", "动物疫病预防控制中心", "农机事务中心"]),
    ("commerce", "商务局", ["口岸服务中心", "投资促进事务中心"]),
    ("culture", "文化旅游广电局", ["图书馆", "博物馆", "广播电视台"]),
    ("emergency", "应急管理局", ["应急救援指挥中心", "安全生产执法支队"]),
    ("tax", "税务局", ["税务局第一稽查局"]),
    ("medical", "医疗保障局", ["医疗保障事务中心", "医疗保险基金监管中心"]),
    ("urban", "城市管理和综合执法局", ["环境卫生事务中心", "市政设施维护中心", "数字城管指挥中心"]),
    ("statistics", "统计局", ["社会经济调查队"]),
    ("veterans", "退役军人事务局", ["退役军人服务中心"]),
    ("forestry", "林业局", ["森林防火指挥中心", "林业科学研究所"]),
    ("sports", "体育局", ["体育中心"]),
    ("credit", "发展和改革委员会", ["信用中心", "价格认证中心", "粮食和物资储备中心"]),
    ("petition", "信访局", ["网上信访服务中心"]),
    ("court", "中级人民法院", ["人民法院执行局"]),
    ("procuratorate", "人民检察院", []),
    ("fire", "消防救援支队", []),
    ("weather", "气象局", ["气象台"]),
    ("tobacco", "烟草专卖局", []),
    ("union", "总工会", []),
    ("youth", "共青团委员会", []),
    ("women", "妇女联合会", []),
    ("disabled", "残疾人联合会", []),
]
EXPERT_EMPLOYERS = [
    "湖南大学信息科学与工程学院",
    "中南大学计算机学院",
    "湘潭大学计算机学院",
    "湖南师范大学信息科学与工程学院",
    "国防科技大学信息通信学院",
    "中国电信湖南分公司政企信息服务事业部",
    "中国移动湖南公司设计院",
    "湖南省软件评测中心",
    "湖南省网络安全测评中心",
    "湖南省工程咨询研究院",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣滨晨晓峰建国志海波东亮立新文斌红梅丹雪琳佳颖婷慧倩璐瑶雯楠琪"


def person_name(rng) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def build_frame(scale, log=print) -> list[Jurisdiction]:
    """The jurisdictions of the dataset (units carry projects), roles, platforms, an admin."""
    call_command("loaddata", "roles", "common_platforms", verbosity=0)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DATASET_PASSWORD, full_name="系统管理员")
    if scale.units == 1:
        code, name, _ = CITIES[0] if scale.name != "demo" else CITIES[1]
        return [
            Jurisdiction.objects.create(
                code=code, name=name, level="city", doc_abbreviation=name[0]
            )
        ]
    province = Jurisdiction.objects.create(
        code=PROVINCE[0],
        name=PROVINCE[1],
        level="province",
        require_head_confirmation=False,
        doc_abbreviation=PROVINCE[1][0],
    )
    units = [province]
    for code, name, _ in CITIES[: scale.units - 1]:
        units.append(
            Jurisdiction.objects.create(
                code=code, name=name, level="city", parent=province, doc_abbreviation=name[0]
            )
        )
    return units


def _counties(jurisdiction):
    for code, _, counties in CITIES:
        if code == jurisdiction.code:
            return counties
    return [c for _, name, _ in CITIES[1:] for c in [f"{name}人民政府"]]


def department_names(jurisdiction, n) -> list[tuple[str, str]]:
    """``n`` (name, domain) departments of a unit, bureaus first, then affiliates, counties."""
    province = jurisdiction.level == "province"
    prefix = jurisdiction.name
    bureaus, affiliates = [], []
    for domain, bureau, units in DEPARTMENTS:
        if province:
            bureau = bureau.replace("局", "厅") if bureau.endswith("局") else bureau
            bureau = bureau.replace("中级人民法院", "高级人民法院")
        bureaus.append((prefix + bureau, domain))
        affiliates += [(prefix + unit, domain) for unit in units]
    names = bureaus + affiliates
    names += [(f"{county}人民政府", "gov") for county in _counties(jurisdiction)]
    i = 1
    while len(names) < n:
        domain, bureau, _ = DEPARTMENTS[i % len(DEPARTMENTS)]
        names.append((f"{prefix}第{i // len(DEPARTMENTS) + 2}{bureau[:2]}服务站", domain))
        i += 1
    return names[:n]


# (username label, kind, review function, name suffix, short name, user count, roles)
CENTRAL_ORGS = [
    ("office", "office", "", "政务服务和数据资源管理局", "政务数据局", 6, [Role.OFFICE]),
    ("leader", "leading_group", "", "数字政府建设领导小组", "领导小组", 3,
     [Role.LEADER, Role.COMMITTEE]),
    ("wxb", "reviewing_unit", "security", "委网信办", "网信办", 2, [Role.REVIEWER]),
    ("mmj", "reviewing_unit", "cryptography", "国家密码管理局", "密码管理局", 2, [Role.REVIEWER]),
    ("gxj", "reviewing_unit", "technical", "工业和信息化局", "工信局", 2, [Role.REVIEWER]),
    ("fgw", "reviewing_unit", "investment", "发展和改革委员会", "发改委", 2, [Role.REVIEWER]),
    ("finance", "finance", "fiscal", "财政局", "财政局", 3, [Role.FINANCE, Role.REVIEWER]),
    ("audit", "audit", "", "审计局", "审计局", 2, [Role.AUDITOR]),
]  # fmt: skip


@dataset_step(10)
def organisations_and_users(ctx):
    j, rng, scale = ctx.jurisdiction, ctx.rng, ctx.scale
    password = ctx.notes.setdefault("password", make_password(DATASET_PASSWORD))
    roles = {r.code: r.pk for r in Role.objects.all()}
    joined = ctx.start - dt.timedelta(days=30)
    orgs, users, user_roles = [], [], []

    def org(kind, name, short="", function=""):
        pk = ids.take(Organisation)[0]
        orgs.append(
            (pk, f"{j.code}-{len(orgs) + 1:04d}", name, short, j.pk, kind, function,
             person_name(rng), person_name(rng), person_name(rng))
        )  # fmt: skip
        return pk

    def user(org_id, label, role_codes):
        pk = ids.take(User)[0]
        username = f"{j.code}-{label}"
        users.append(
            (pk, password, None, False, username, "", "", "", False, True, joined,
             person_name(rng), org_id, "")
        )  # fmt: skip
        user_roles.extend((ids.take(User.roles.through)[0], pk, roles[c]) for c in role_codes)
        return pk

    for label, kind, function, suffix, short, count, role_codes in CENTRAL_ORGS:
        if j.level == "province":
            suffix = suffix.replace("局", "厅") if kind in ("finance", "audit") else suffix
        org_id = org(kind, j.name + suffix, short, function)
        for i in range(count):
            user(org_id, f"{label}-{i + 1}", role_codes)
    n = scale.per_unit(scale.departments)
    departments = []
    for i, (name, _domain) in enumerate(department_names(j, n)):
        dept = org("department", name, name.removeprefix(j.name)[:32])
        departments.append(dept)
        officers = 1 + (3 if i < n // 10 else 1 if i < n // 2 else 0)
        for k in range(officers):
            user(dept, f"d{i + 1}-{k + 1}", [Role.DEPT_OFFICER])
        head_roles = [Role.DEPT_HEAD] + ([Role.COMMITTEE] if i < 6 else [])
        user(dept, f"d{i + 1}-head", head_roles)
    employers = [org("expert_employer", name, name[:16]) for name in EXPERT_EMPLOYERS]
    # The expert pool: most from universities and institutes, some from departments (they are
    # never drawn for their own department's projects).
    for i in range(max(12, n // 3)):
        employer = rng.choice(departments) if i % 5 == 4 else rng.choice(employers)
        user(employer, f"expert-{i + 1}", [Role.EXPERT])
    cols = ("id", "code", "name", "short_name", "jurisdiction_id", "kind", "review_function",
            "head_name", "deputy_name", "cdo_name")  # fmt: skip
    bulk_insert(Organisation, cols, orgs)
    cols = ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
            "email", "is_staff", "is_active", "date_joined", "full_name", "organisation_id",
            "phone")  # fmt: skip
    bulk_insert(User, cols, users)
    bulk_insert(User.roles.through, ("id", "user_id", "role_id"), user_roles)
    ctx.log(f"  {j.name}: {len(orgs)} 个单位，{len(users)} 个用户")


# Order 90: the chain --------------------------------------------------------------------------


def _login_events(ctx, wanted: int):
    """Logins and logouts of the unit's users on working days, to fill the chain to size."""
    users = list(
        User.objects.filter(organisation__jurisdiction=ctx.jurisdiction).values_list(
            "pk", "username"
        )
    )
    if not users or wanted <= 0:
        return
    rng, start, days = ctx.rng, ctx.start, ctx.scale.years * 365
    weekdays = [d for d in range(days) if (start + dt.timedelta(days=d)).weekday() < 5]
    for _ in range((wanted + 1) // 2):
        pk, username = rng.choice(users)
        day = start + dt.timedelta(days=rng.choice(weekdays))
        at = day.replace(hour=0) + dt.timedelta(hours=8, seconds=rng.randint(0, 9 * 3600))
        ip = f"10.{ctx.unit_index + 20}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        data = f'{{"ip":"{ip}","username":{enc(username)}}}'  # canonical JSON, see below
        ctx.event(at, pk, "login", "登录", subject_type="user", subject_id=pk, data=data)
        out = at + dt.timedelta(seconds=rng.randint(300, 4 * 3600))
        ctx.event(out, pk, "logout", "退出登录", subject_type="user", subject_id=pk, data=data)


def _actor_names(ctx) -> dict:
    users = User.objects.filter(organisation__jurisdiction=ctx.jurisdiction)
    return {pk: full_name or username for pk, full_name, username in
            users.values_list("pk", "full_name", "username")}  # fmt: skip


def _copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        value = value.replace("\r", "\\r")
    return value


def _number(value) -> str:
    return "null" if value is None else str(value)


def _canonical_data(data) -> str:
    """``data`` as ``core.audit`` hashes it (normalised, keys sorted); text is taken as is."""
    if isinstance(data, str):
        return data
    return json.dumps(data or {}, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))  # fmt: skip


# ``core.audit._canonical(event_fields(event))`` spelled out, keys in sorted order, so each
# event is serialised once for its hash and its row. The chain check (``audit_verify``) proves
# the two agree.
CANONICAL = (
    '{"action":%s,"action_label":%s,"actor_id":%s,"actor_name":%s,"chain":%s,"comment":%s,'
    '"created_at":%s,"data":%s,"from_state":%s,"prev_hash":"%s","project_id":%s,"seq":%d,'
    '"subject_id":%s,"subject_type":%s,"to_state":%s}'
)


@dataset_step(90)
def audit_chain(ctx):
    """Chain the unit's queued events in time order and write them, hashed exactly as
    ``core.audit.audit_record`` hashes them, with the chain's head; then the notifications."""
    j = ctx.jurisdiction
    target = ctx.scale.per_unit(ctx.scale.events)
    _login_events(ctx, target - len(ctx.events))
    ctx.events.sort(key=lambda e: e[0])
    names = _actor_names(ctx)
    key = settings.AUDIT_HMAC_KEY.encode()
    chain, prev, rows = j.code, GENESIS, []
    first_id = ids.take(AuditEvent, len(ctx.events)).start
    enc_chain = enc(chain)
    postgres = connection.vendor == "postgresql"
    for seq, e in enumerate(ctx.events, start=1):
        at, actor_id, stype, sid, project_id, action, label, frm, to, comment, data = e
        actor_name = names.get(actor_id, "系统") if actor_id else "系统"
        created = at.astimezone(dt.UTC).isoformat()
        data_json = _canonical_data(data)
        canonical = CANONICAL % (
            enc(action), enc(label), _number(actor_id), enc(actor_name), enc_chain, enc(comment),
            enc(created), data_json, enc(frm), prev, _number(project_id), seq, _number(sid),
            enc(stype), enc(to),
        )  # fmt: skip
        digest = hmac.digest(key, ("event\n" + canonical).encode(), "sha256").hex()
        pk = first_id + seq - 1
        if postgres:
            rows.append("\t".join((
                str(pk), chain, str(seq), created, _null(actor_id), _copy_text(actor_name),
                stype, _null(sid), _null(project_id), action, _copy_text(label), frm, to,
                _copy_text(comment), _copy_text(data_json), prev, digest,
            )))  # fmt: skip
        else:
            rows.append((pk, chain, seq, at, actor_id, actor_name, stype, sid, project_id,
                         action, label, frm, to, comment, json.loads(data_json), prev, digest))  # fmt: skip
        prev = digest
    cols = ("id", "chain", "seq", "created_at", "actor_id", "actor_name", "subject_type",
            "subject_id", "project_id", "action", "action_label", "from_state", "to_state",
            "comment", "data", "prev_hash", "hash")  # fmt: skip
    if postgres:
        copy_lines(AuditEvent, cols, rows)
    else:
        bulk_insert(AuditEvent, cols, rows)
    AuditChainHead.objects.update_or_create(chain=chain, defaults={"seq": len(rows), "hash": prev})
    note_ids = ids.take(Notification, len(ctx.notifications)).start
    notes = [(note_ids + i, *n) for i, n in enumerate(ctx.notifications)]
    bulk_insert(Notification, ("id", "recipient_id", "created_at", "text", "url", "read_at"), notes)
    ctx.log(f"  {j.name}: 审计链 {len(rows)} 个事件，通知 {len(notes)} 条")
    ctx.events.clear()


def _null(value) -> str:
    return "\\N" if value is None else str(value)


# Checks ---------------------------------------------------------------------------------------


@dataset_check
def audit_chains_verify(scale):
    from .audit import audit_verify

    broken = audit_verify()
    return [str(broken)] if broken else []


@dataset_check
def counts_match_scale(scale):
    problems = []
    departments = Organisation.objects.filter(kind="department").count()
    if departments != scale.departments:
        problems.append(f"需求部门 {departments} 个，规模 {scale.name} 应为 {scale.departments} 个")
    events = AuditEvent.objects.count()
    if events < scale.events:
        problems.append(f"审计事件 {events} 个，少于规模 {scale.name} 的 {scale.events} 个")
    return problems


def analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
