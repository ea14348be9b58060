"""Demo register of existing information systems: the systems the seed plans name (000, 004),
entered by each jurisdiction's office through the services."""

from core.models import Organisation, Role, User

from .models import InformationSystem
from .services.systems import system_create, system_retire

# (owner code, name, build type, 等保 level, 密评, hosting, network, retired reason, seed line)
SYSTEMS = [
    (
        "xt-scjg",
        "省“互联网+监管”系统（湘潭）",
        "provincial",
        3,
        "passed",
        "upper",
        "extranet",
        "",
        "000:79",
    ),
    (
        "xt-jgsw",
        "“湘政通”协同办公平台（湘潭）",
        "provincial",
        3,
        "passed",
        "upper",
        "extranet",
        "",
        "000:75",
    ),
    (
        "xt-xzsp",
        "湖南省统一政务服务移动端（湘潭站点）",
        "provincial",
        3,
        "passed",
        "upper",
        "internet",
        "",
        "000:67",
    ),
    (
        "xt-xzsp",
        "湖南省一体化在线政务服务平台（湘潭）",
        "national",
        3,
        "passed",
        "upper",
        "extranet",
        "",
        "000:65",
    ),
    ("xt-zfw", "网格综治系统", "own", 2, "not_required", "gov_cloud", "extranet", "", "000:77"),
    (
        "xt-dsj",
        "市数据共享交换平台（一期）",
        "own",
        3,
        "passed",
        "gov_cloud",
        "extranet",
        "",
        "000:59",
    ),
    (
        "xt-xzsp",
        "12345政务服务便民热线系统",
        "own",
        2,
        "not_required",
        "gov_cloud",
        "internet",
        "",
        "000:65",
    ),
    (
        "xt-wxb",
        "市网络安全应急指挥中心平台",
        "own",
        3,
        "planned",
        "own_room",
        "extranet",
        "",
        "000:91",
    ),
    (
        "xt-xzsp",
        "政府网站群系统（旧版）",
        "own",
        2,
        "not_required",
        "own_room",
        "internet",
        "已并入政府网站集约化平台",
        "000:69",
    ),
    (
        "hz-xzsp",
        "苏服办总门户海州旗舰店",
        "provincial",
        3,
        "passed",
        "upper",
        "internet",
        "",
        "004:53",
    ),
    ("hz-xzsp", "苏服码", "provincial", 3, "passed", "upper", "internet", "", "004:55"),
    (
        "hz-gaj",
        "区疫情防控数据平台",
        "own",
        2,
        "not_required",
        "gov_cloud",
        "extranet",
        "疫情防控任务结束后停用",
        "004:75",
    ),
    (
        "hz-zhcs",
        "市12345在线平台海州政务信息知识库",
        "own",
        2,
        "not_required",
        "gov_cloud",
        "extranet",
        "",
        "004:73",
    ),
]


def seed() -> int:
    """Register the systems once (idempotent); returns how many were added."""
    added = 0
    for code, name, build, level, crypto, hosting, network, retired, line in SYSTEMS:
        owner = Organisation.objects.filter(code=code).first()
        office = User.objects.filter(
            organisation__jurisdiction_id=getattr(owner, "jurisdiction_id", None),
            roles__code=Role.OFFICE,
        ).first()
        if owner is None or office is None:
            continue
        if InformationSystem.objects.filter(owner=owner, name=name).exists():
            continue
        fields = {
            "name": name,
            "owner": owner,
            "build_type": build,
            "protection_level": level,
            "crypto_assessment": crypto,
            "hosting": hosting,
            "network": network,
            "note": f"规划依据 {line}",
        }
        system = system_create(by=office, fields=fields)
        if retired:
            system_retire(system=system, by=office, reason=retired)
        added += 1
    return added
