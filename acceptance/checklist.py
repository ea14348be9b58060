"""R8, the acceptance checklist (SPEC §5; 004:79, 004:99, 001:141, 002:461, 003:104-106):
what must be on record, current and valid before a department may apply for final acceptance.

``checklist(project, final_progress, on)`` lists every item with its state; the
``acceptance_checklist`` guard refuses with the names of the missing or expired ones, and the
acceptance page shows the same lines, so page and server never disagree.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .models import ChecklistDocument, RectificationItem
from .workflow import OPEN_STATES

K = ChecklistDocument.Kind
PASSING = [ChecklistDocument.Conclusion.PASS, ChecklistDocument.Conclusion.BASIC]
# How long a report stays valid: 等保 level 3+ and 密评 are assessed yearly, level 2 every two
# years; the go-live risk assessment must be recent (within a year of the application).
VALIDITY_MONTHS = {"mlps_3": 12, "mlps_2": 24, K.CRYPTO: 12, K.RISK: 12}


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    ok: bool
    detail: str
    basis: str

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "ok": self.ok, "detail": self.detail}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(doc) -> dt.date | None:
    if doc.issued_on is None:
        return None
    if doc.kind == K.MLPS:
        months = VALIDITY_MONTHS["mlps_3" if (doc.level or 0) >= 3 else "mlps_2"]
    else:
        months = VALIDITY_MONTHS.get(doc.kind)
    return add_months(doc.issued_on, months) if months else None


def _latest(documents, kind):
    found = [d for d in documents if d.kind == kind]
    return max(found, key=lambda d: (d.issued_on or dt.date.min, d.uploaded_at), default=None)


def _report(documents, kind, on, *, code, name, basis, min_level=None) -> Line:
    doc = _latest(documents, kind)
    if doc is None:
        return Line(code, name, False, "未上传", basis)
    until = valid_until(doc)
    facts = f"{doc.issuer}，{doc.issued_on:%Y-%m-%d}，{doc.get_conclusion_display()}"
    if min_level and (doc.level or 0) < min_level:
        return Line(code, name, False, f"测评等级第{doc.level}级低于系统等保第{min_level}级", basis)
    if doc.conclusion not in PASSING:
        return Line(code, name, False, f"结论为“{doc.get_conclusion_display()}”（{facts}）", basis)
    if until and until < on:
        return Line(code, name, False, f"已过期（有效期至 {until:%Y-%m-%d}；{facts}）", basis)
    return Line(code, name, True, facts + (f"，有效期至 {until:%Y-%m-%d}" if until else ""), basis)


def _sharing(project) -> Line:
    name, basis = "数据共享登记并落实", "004:79"
    resources = list(project.data_resources.all())
    if not resources:
        return Line("sharing", name, False, "未登记数据资源目录", basis)
    pending = [r.name for r in resources if not _sharing_done(r)]
    if pending:
        return Line("sharing", name, False, "尚未落实：" + "、".join(pending), basis)
    return Line("sharing", name, True, f"{len(resources)}项数据资源均已共享或说明理由", basis)


def _sharing_done(resource) -> bool:
    return getattr(resource, "sharing_record", None) is not None


def _archive(documents) -> Line:
    present = {d.kind for d in documents}
    missing = [K(k).label for k in ChecklistDocument.ARCHIVE if k not in present]
    name, basis = "项目资料归档", "003:104-106"
    if missing:
        return Line("archive", name, False, "缺少：" + "、".join(missing), basis)
    return Line("archive", name, True, f"{len(ChecklistDocument.ARCHIVE)}类归档材料齐全", basis)


def _progress(final_progress) -> Line:
    name, basis = "最终形象进度100%", "SPEC §5 R8"
    if final_progress is None:
        return Line("progress", name, False, "未填写最终形象进度", basis)
    if final_progress < 100:
        return Line("progress", name, False, f"最终形象进度为{final_progress}%", basis)
    return Line("progress", name, True, "100%", basis)


def _rectification(project) -> Line:
    name, basis = "上轮验收整改事项已销号", "SPEC §8"
    open_items = RectificationItem.objects.filter(
        project=project, source=RectificationItem.Source.ACCEPTANCE, status__in=OPEN_STATES
    ).count()
    if open_items:
        return Line("rectification", name, False, f"尚有{open_items}项未销号", basis)
    return Line("rectification", name, True, "无未销号事项", basis)


def checklist(project, *, final_progress=None, on=None) -> list[Line]:
    """Every R8 item for ``project`` as of ``on`` (today by default)."""
    on = on or timezone.localdate()
    documents = list(project.acceptance_documents.all())
    level = project.protection_level or 0
    lines = []
    if level >= 2:
        lines.append(
            _report(
                documents,
                K.MLPS,
                on,
                code="mlps",
                name=f"等保测评报告（第{level}级）",
                basis="001:141, 004:99",
                min_level=level,
            )
        )
    if level >= 3:
        lines.append(
            _report(documents, K.CRYPTO, on, code="crypto", name="密评报告", basis="003:239")
        )
    lines.append(
        _report(documents, K.RISK, on, code="risk", name="上线前风险评估报告", basis="002:461")
    )
    lines += [_sharing(project), _progress(final_progress), _archive(documents)]
    if project.status == "rectifying":
        lines.append(_rectification(project))
    return lines


def refusal(lines) -> str | None:
    missing = [f"{line.name}（{line.detail}）" for line in lines if not line.ok]
    if missing:
        return "R8 验收清单不完整，不能申请验收：" + "；".join(missing)
    return None
