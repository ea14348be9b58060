"""Dataset step (``core/datasets.py``): each jurisdiction's register of existing information
systems, then R7's term index over every generated project (bulk rows skip the save hook)."""

from core.datasets import dataset_step
from core.models import Jurisdiction, Organisation, User

from . import similarity
from .models import InformationSystem

AREAS = [
    "视频监控联网",
    "电子证照",
    "电子印章",
    "统一身份认证",
    "数据共享交换",
    "12345热线",
    "社会保障卡",
    "医保结算",
    "不动产登记",
    "网格化社会治理",
    "应急指挥调度",
    "生态环境监测",
    "食品安全监管",
    "企业信用",
    "公共资源交易",
    "住房公积金",
    "智慧教育",
    "全民健康信息",
    "协同办公",
    "档案管理",
    "地理信息",
    "交通运输监管",
    "安全生产监管",
    "市场主体登记",
    "投资项目审批",
    "政务服务",
]
KINDS = ["系统", "平台", "管理系统", "业务系统", "综合平台"]
PER_DEPARTMENT = 3  # about 500 systems for a city of 150 departments (湛江: 497, 002:127)


@dataset_step(25)
def information_systems_and_similarity_index(ctx):
    """Systems per department (国垂/省垂/自建 mixed, some retired), then the R7 index."""
    rng = ctx.rng
    rows = []
    for jurisdiction in Jurisdiction.objects.all():
        office = User.objects.filter(organisation__jurisdiction=jurisdiction).first()
        if office is None:
            continue
        departments = list(
            Organisation.objects.filter(jurisdiction=jurisdiction, kind="department")
        )
        for department in departments:
            for area in rng.sample(AREAS, PER_DEPARTMENT):
                build = rng.choices(["national", "provincial", "own"], [1, 2, 5])[0]
                rows.append(
                    InformationSystem(
                        jurisdiction=jurisdiction,
                        owner=department,
                        name=f"{department.short_name or department.name}{area}{rng.choice(KINDS)}",
                        build_type=build,
                        protection_level=rng.choice([2, 2, 3, 3, 3, 4]),
                        crypto_assessment=rng.choice(["passed", "planned", "not_required"]),
                        hosting="upper"
                        if build != "own"
                        else rng.choice(["gov_cloud", "own_room"]),
                        network=rng.choice(["extranet", "extranet", "internet", "intranet"]),
                        status="retired" if rng.random() < 0.1 else "in_use",
                        retire_reason="",
                        updated_by=office,
                    )
                )
    InformationSystem.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ctx.log(f"信息系统目录：{len(rows)} 个系统")
    similarity.reindex_all(log=lambda message: None)
    ctx.log("R7 查重索引已建立")
