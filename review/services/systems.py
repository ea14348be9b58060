"""The register of existing information systems (政务信息系统目录): kept by the office, one
audited service per change, and an all-or-nothing Excel import."""

import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import Organisation
from core.permissions import WorkflowError, require
from core.uploads import check_upload

from ..models import InformationSystem
from ..permissions import can_manage_systems

EDITABLE = [
    "name",
    "owner",
    "build_type",
    "protection_level",
    "crypto_assessment",
    "hosting",
    "network",
    "note",
]
IMPORT_MAX_ROWS = 2000
NOT_XLSX_MESSAGE = "请上传 Excel 工作簿（.xlsx），可先下载导入模板"


def _audit(system, by, action, label, data=None):
    audit_record(
        by=by,
        subject=system,
        jurisdiction=system.jurisdiction,
        action=action,
        action_label=label,
        data={"name": system.name, **(data or {})},
    )


def _check_owner(owner, jurisdiction_id):
    if owner.jurisdiction_id != jurisdiction_id:
        raise WorkflowError("主管单位须为本辖区的单位")


@transaction.atomic
def system_create(*, by, fields: dict) -> InformationSystem:
    jurisdiction = by.organisation.jurisdiction if by.organisation_id else None
    require(can_manage_systems(by, jurisdiction.pk if jurisdiction else None))
    _check_owner(fields["owner"], jurisdiction.pk)
    system = InformationSystem(jurisdiction=jurisdiction, updated_by=by)
    for name in EDITABLE:
        if name in fields:
            setattr(system, name, fields[name])
    _unique(system)
    system.save()
    _audit(system, by, "system_create", "登记信息系统")
    return system


def _unique(system):
    clash = InformationSystem.objects.filter(
        jurisdiction_id=system.jurisdiction_id, owner_id=system.owner_id, name=system.name
    ).exclude(pk=system.pk)
    if clash.exists():
        raise WorkflowError(f"{system.owner}已登记名为“{system.name}”的信息系统")


@transaction.atomic
def system_update(*, system, by, fields: dict, version: int) -> InformationSystem:
    system = InformationSystem.objects.select_for_update().get(pk=system.pk)
    require(can_manage_systems(by, system.jurisdiction_id))
    if version != system.version:
        raise WorkflowError("该系统已被他人修改，请刷新后重新编辑")
    _check_owner(fields["owner"], system.jurisdiction_id)
    changed = [n for n in EDITABLE if n in fields and getattr(system, n) != fields[n]]
    for name in changed:
        setattr(system, name, fields[name])
    _unique(system)
    system.version += 1
    system.updated_by = by
    system.save()
    labels = [str(InformationSystem._meta.get_field(n).verbose_name) for n in changed]
    _audit(system, by, "system_update", "修改信息系统登记", {"changed": labels})
    return system


@transaction.atomic
def system_retire(*, system, by, reason: str) -> InformationSystem:
    system = InformationSystem.objects.select_for_update().get(pk=system.pk)
    require(can_manage_systems(by, system.jurisdiction_id))
    if system.status == InformationSystem.Status.RETIRED:
        raise WorkflowError("该系统已停用")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("停用须填写原因")
    system.status = InformationSystem.Status.RETIRED
    system.retired_on = timezone.localdate()
    system.retire_reason = reason[:200]
    system.version += 1
    system.updated_by = by
    system.save()
    _audit(system, by, "system_retire", "停用信息系统", {"reason": system.retire_reason})
    return system


# Excel import -------------------------------------------------------------------------------

COLUMNS = [
    ("系统名称", "name"),
    ("主管单位", "owner"),
    ("建设类型", "build_type"),
    ("等保级别", "protection_level"),
    ("密评", "crypto_assessment"),
    ("部署", "hosting"),
    ("运行网络", "network"),
    ("状态", "status"),
    ("备注", "note"),
]
LEVELS = {"": None, "未定级": None}
for _n, _c in enumerate("一二三四", start=1):
    LEVELS.update({str(_n): _n, f"第{_c}级": _n, f"{_c}级": _n, f"等保第{_c}级": _n})


@dataclass
class ImportRejected(Exception):
    """The file was refused: ``errors`` are (row, column, message); ``workbook`` is the upload
    with each bad cell filled red and explained, or None when the file could not be read."""

    message: str
    errors: list
    workbook: bytes | None = None

    def __str__(self):
        return self.message


def _choice(model_choices, label):
    by_label = {str(lbl): value for value, lbl in model_choices}
    return by_label, "、".join(by_label)


def _parse_row(cells, owners, seen, jurisdiction_id):
    """One data row → (fields, errors as (column index, message))."""
    fields, errors = {}, []
    values = ["" if c is None else str(c).strip() for c in cells]
    values += [""] * (len(COLUMNS) - len(values))
    name, owner, build, level, crypto, hosting, network, status, note = values[: len(COLUMNS)]
    if not name:
        errors.append((0, "系统名称不能为空"))
    elif len(name) > 100:
        errors.append((0, "系统名称不能超过100字"))
    fields["name"] = name
    if owner not in owners:
        errors.append(
            (1, f"主管单位“{owner}”不是本辖区登记的单位" if owner else "主管单位不能为空")
        )
    else:
        fields["owner"] = owners[owner]
    for index, raw, key, choices in [
        (2, build, "build_type", InformationSystem.BuildType.choices),
        (4, crypto, "crypto_assessment", InformationSystem.CryptoAssessment.choices),
        (5, hosting, "hosting", InformationSystem.Hosting.choices),
        (6, network, "network", InformationSystem.Network.choices),
        (7, status or "在用", "status", InformationSystem.Status.choices),
    ]:
        by_label, allowed = _choice(choices, key)
        if raw not in by_label:
            errors.append(
                (index, f"“{raw}”不是有效值，应为：{allowed}" if raw else f"须填写：{allowed}")
            )
        else:
            fields[key] = by_label[raw]
    if level not in LEVELS:
        errors.append((3, f"等保级别“{level}”无效，应为 第一级 至 第四级 或 1–4，未定级留空"))
    else:
        fields["protection_level"] = LEVELS[level]
    if len(note) > 200:
        errors.append((8, "备注不能超过200字"))
    fields["note"] = note
    key = (name, owner)
    if name and owner and key in seen:
        errors.append((0, f"与第{seen[key]}行重复"))
    return fields, errors, key


def _read_rows(upload):
    """Rows of the first sheet as values, refusing formulas and huge sheets; openpyxl parses
    the upload only after ``check_upload`` passed its zip limits."""
    from openpyxl import load_workbook

    upload.seek(0)
    try:
        wb = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=False)
    except Exception:
        raise ImportRejected("文件无法按 Excel 工作簿读取，请使用导入模板", []) from None
    ws = wb.worksheets[0]
    rows, formulas = [], []
    for number, row in enumerate(ws.iter_rows(), start=1):
        if number > IMPORT_MAX_ROWS + 1:
            raise ImportRejected(f"数据超过{IMPORT_MAX_ROWS}行，请分批导入", [])
        values = []
        for index, cell in enumerate(row[: len(COLUMNS)]):
            if cell.data_type == "f":
                formulas.append((number, index, "不允许公式，请粘贴为数值"))
            values.append(cell.value)
        rows.append(values)
    wb.close()
    return rows, formulas


def systems_import(*, by, upload) -> int:
    """Import the template's rows into the office's register, all or nothing; raises
    ImportRejected (with the marked workbook when the file was readable)."""
    jurisdiction_id = by.organisation.jurisdiction_id if by.organisation_id else None
    require(can_manage_systems(by, jurisdiction_id))
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise ImportRejected(NOT_XLSX_MESSAGE, [])
    try:
        check_upload(upload)
    except WorkflowError as error:
        raise ImportRejected(str(error), []) from None
    rows, errors = _read_rows(upload)
    header = ["" if v is None else str(v).strip() for v in (rows[0] if rows else [])]
    if header[: len(COLUMNS)] != [label for label, _ in COLUMNS]:
        raise ImportRejected("表头与导入模板不一致，请下载模板后填写", [])
    owners = {}
    for org in Organisation.objects.filter(jurisdiction_id=jurisdiction_id):
        owners[org.name] = org
        if org.short_name:
            owners.setdefault(org.short_name, org)
    existing = set(
        InformationSystem.objects.filter(jurisdiction_id=jurisdiction_id).values_list(
            "name", "owner__name"
        )
    )
    seen, parsed = {}, []
    for number, cells in enumerate(rows[1:], start=2):
        if all(c in (None, "") for c in cells):
            continue
        fields, row_errors, key = _parse_row(cells, owners, seen, jurisdiction_id)
        if "owner" in fields and (fields["name"], fields["owner"].name) in existing:
            row_errors.append((0, "该系统已在目录中"))
        seen.setdefault(key, number)
        errors += [(number, col, msg) for col, msg in row_errors]
        parsed.append(fields)
    if not parsed and not errors:
        raise ImportRejected("工作簿中没有数据行", [])
    if errors:
        errors.sort()
        raise ImportRejected(
            f"发现{len(errors)}处错误，未导入任何数据；请按标注修改后重新上传",
            errors,
            marked_workbook(upload, errors),
        )
    with transaction.atomic():
        for fields in parsed:
            status = fields.pop("status")
            system = InformationSystem(jurisdiction_id=jurisdiction_id, updated_by=by, **fields)
            if status == InformationSystem.Status.RETIRED:
                system.status, system.retired_on = status, timezone.localdate()
                system.retire_reason = "导入时已停用"
            system.save()
        audit_record(
            by=by,
            subject=None,
            jurisdiction=by.organisation.jurisdiction,
            action="system_import",
            action_label="导入信息系统目录",
            data={"rows": len(parsed), "file": upload.name},
        )
    return len(parsed)


def marked_workbook(upload, errors) -> bytes:
    """The upload with each bad cell filled red and a comment, plus a 错误说明 column."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    upload.seek(0)
    wb = load_workbook(io.BytesIO(upload.read()))
    ws = wb.worksheets[0]
    red = PatternFill("solid", fgColor="FFC7CE")
    note_column = len(COLUMNS) + 1
    ws.cell(row=1, column=note_column, value="错误说明").fill = red
    by_row = {}
    for row, col, message in errors:
        cell = ws.cell(row=row, column=col + 1)
        cell.fill = red
        cell.comment = Comment(message, "导入检查")
        by_row.setdefault(row, []).append(f"{COLUMNS[col][0]}：{message}")
    for row, messages in by_row.items():
        ws.cell(row=row, column=note_column, value="；".join(messages)).fill = red
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_rows():
    """Header and one example row of the import template."""
    return [label for label, _ in COLUMNS], [
        "雪亮工程视频监控联网共享平台",
        "湘潭市公安局",
        "自建",
        "第三级",
        "已通过密评",
        "政务云",
        "政务外网",
        "在用",
        "",
    ]
