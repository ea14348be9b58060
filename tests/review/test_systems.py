"""The register of existing information systems: office pages, audit, scope, Excel import."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.audit import AuditEvent
from core.permissions import WorkflowError
from review.models import InformationSystem
from review.services import systems as service
from tests.factories import Actors, JurisdictionFactory

pytestmark = pytest.mark.django_db
HEADER = [label for label, _ in service.COLUMNS]


def _xlsx(rows, header=HEADER, name="目录.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


GOOD = [
    [
        "雪亮工程视频监控联网共享平台",
        "湘潭市公安局",
        "自建",
        "第三级",
        "已通过密评",
        "政务云",
        "政务外网",
        "在用",
        "",
    ],
    [
        "全国一体化政务服务平台（湘潭）",
        "湘潭市大数据中心",
        "国垂",
        "3",
        "不适用",
        "上级平台",
        "政务外网",
        "在用",
        "",
    ],
    [
        "旧版网上办事大厅",
        "湘潭市大数据中心",
        "自建",
        "",
        "未开展",
        "自建机房",
        "互联网",
        "已停用",
        "并入省平台",
    ],
]


def _fields(actors, **overrides):
    return {
        "name": "统一电子证照管理系统",
        "owner": actors.department,
        "build_type": "own",
        "protection_level": 3,
        "crypto_assessment": "passed",
        "hosting": "gov_cloud",
        "network": "extranet",
        "note": "",
        **overrides,
    }


def test_import_happy_path_creates_every_row_and_audits_once():
    actors = Actors()
    assert service.systems_import(by=actors.office, upload=_xlsx(GOOD)) == 3
    systems = InformationSystem.objects.order_by("name")
    assert systems.count() == 3
    retired = systems.get(name="旧版网上办事大厅")
    assert retired.status == "retired" and retired.protection_level is None
    assert systems.get(name__startswith="雪亮").protection_level == 3
    assert AuditEvent.objects.filter(action="system_import").count() == 1


def test_one_bad_cell_rejects_the_file_and_marks_the_cell():
    actors = Actors()
    bad = [row[:] for row in GOOD]
    bad[1][2] = "部垂"  # build type, row 3 of the sheet
    with pytest.raises(service.ImportRejected) as caught:
        service.systems_import(by=actors.office, upload=_xlsx(bad))
    assert InformationSystem.objects.count() == 0
    rejected = caught.value
    assert rejected.message == "发现1处错误，未导入任何数据；请按标注修改后重新上传"
    assert rejected.errors == [(3, 2, "“部垂”不是有效值，应为：国垂、省垂、自建")]
    ws = load_workbook(io.BytesIO(rejected.workbook)).active
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "不是有效值" in ws["C3"].comment.text
    assert ws.cell(row=3, column=len(HEADER) + 1).value.startswith("建设类型：")


def _zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return out.getvalue()


def _formula():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(
        [
            '=HYPERLINK("http://x")',
            "湘潭市公安局",
            "自建",
            "",
            "未开展",
            "政务云",
            "政务外网",
            "在用",
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _huge():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for i in range(service.IMPORT_MAX_ROWS + 5):
        ws.append(
            [f"系统{i}", "湘潭市公安局", "自建", "", "未开展", "政务云", "政务外网", "在用", ""]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("目录.csv", b"a,b\n", "请上传 Excel 工作簿（.xlsx）"),
        ("目录.xlsx", b"%PDF-1.4 not a workbook", "文件内容与扩展名“.xlsx”不符"),
        ("目录.xlsx", _zip_bomb(), "疑似压缩炸弹"),
        ("目录.xlsx", _formula(), "发现1处错误"),
        ("目录.xlsx", _huge(), "数据超过2000行"),
    ],
    ids=["not-xlsx", "disguised", "zip-bomb", "formula", "huge-sheet"],
)
def test_hostile_files_get_a_clear_message_and_change_nothing(name, content, message):
    actors = Actors()
    with pytest.raises(service.ImportRejected, match=message):
        service.systems_import(by=actors.office, upload=SimpleUploadedFile(name, content))
    assert InformationSystem.objects.count() == 0
    assert not AuditEvent.objects.filter(action="system_import").exists()


def test_wrong_header_and_wrong_types_are_refused():
    actors = Actors()
    with pytest.raises(service.ImportRejected, match="表头与导入模板不一致"):
        service.systems_import(by=actors.office, upload=_xlsx(GOOD, header=["名称", "单位"]))
    bad = [
        [
            "统一身份认证系统",
            "不存在的单位",
            "自建",
            "五级",
            "未开展",
            "政务云",
            "政务外网",
            "在用",
            "",
        ]
    ]
    with pytest.raises(service.ImportRejected) as caught:
        service.systems_import(by=actors.office, upload=_xlsx(bad))
    assert [(r, c) for r, c, _ in caught.value.errors] == [(2, 1), (2, 3)]


def test_office_creates_edits_and_retires_with_audit():
    actors = Actors()
    system = service.system_create(by=actors.office, fields=_fields(actors))
    system = service.system_update(
        system=system, by=actors.office, fields=_fields(actors, network="intranet"), version=1
    )
    with pytest.raises(WorkflowError, match="已被他人修改"):
        service.system_update(system=system, by=actors.office, fields=_fields(actors), version=1)
    with pytest.raises(WorkflowError, match="停用须填写原因"):
        service.system_retire(system=system, by=actors.office, reason=" ")
    system = service.system_retire(system=system, by=actors.office, reason="并入省平台")
    assert system.status == "retired" and system.network == "intranet"
    actions = list(
        AuditEvent.objects.filter(subject_type="informationsystem").values_list("action", flat=True)
    )
    assert actions == ["system_create", "system_update", "system_retire"]


def test_only_the_office_keeps_the_register_and_others_read_within_scope(client):
    actors = Actors()
    elsewhere = Actors(JurisdictionFactory(code="zz", name="株洲市"))
    mine = service.system_create(by=actors.office, fields=_fields(actors))
    service.system_create(by=elsewhere.office, fields=_fields(elsewhere, name="株洲市电子证照系统"))
    for user in (actors.officer, actors.reviewer, elsewhere.office):
        with pytest.raises(WorkflowError, match="政务信息系统目录"):
            service.system_retire(system=mine, by=user, reason="x")
    client.force_login(actors.officer)
    html = client.get(reverse("review:systems")).content.decode()
    assert "统一电子证照管理系统" in html and "株洲市电子证照系统" not in html
    assert reverse("review:system_create") not in html
    client.force_login(elsewhere.office)
    assert client.get(reverse("review:system_edit", args=[mine.pk])).status_code == 404


def test_import_page_shows_errors_and_offers_the_marked_workbook(client):
    actors = Actors()
    client.force_login(actors.office)
    bad = [row[:] for row in GOOD]
    bad[0][3] = "第五级"
    response = client.post(reverse("review:system_import"), {"file": _xlsx(bad)})
    html = response.content.decode()
    assert "第2行" in html and "等保级别“第五级”无效" in html
    assert "下载标注错误的工作簿" in html
    assert InformationSystem.objects.count() == 0
    template = client.get(reverse("review:system_template"))
    header = [
        c.value
        for c in next(
            load_workbook(io.BytesIO(b"".join(template.streaming_content))).active.iter_rows(
                max_row=1
            )
        )
    ]
    assert header == HEADER


def test_dataset_step_fills_the_register_and_rebuilds_the_r7_index():
    import datetime as dt
    import random

    from core.datasets import SCALES, DatasetContext
    from review.models import SimilarityTerm, SimilarityTermCount
    from review.systems_dataset import information_systems_and_similarity_index
    from tests.factories import project_in

    actors = Actors()
    project = project_in(actors, "submitted", name="统一电子证照管理系统")
    SimilarityTerm.objects.all().delete()
    SimilarityTermCount.objects.all().delete()
    ctx = DatasetContext(SCALES["demo"], dt.date(2026, 11, 1), random.Random(1), log=lambda m: None)
    information_systems_and_similarity_index(ctx)
    assert InformationSystem.objects.filter(jurisdiction=actors.jurisdiction).count() == 6
    assert SimilarityTerm.objects.filter(project=project, term="证照").exists()
    assert SimilarityTermCount.objects.get(field="n", term="证照").n == 1
