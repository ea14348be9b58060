"""Documents generated from the record (SPEC §4) in 公文 style: 评审报告, 会议纪要, 批复 (A4 PDF).

The issuing body and the 文号 abbreviation come from the jurisdiction's configuration
(``Jurisdiction.issuing_body`` / ``doc_abbreviation``); a document is numbered (``core.numbering``)
the first time it is generated in its final form, and keeps that number.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from core import numbering
from core.models import Organisation

from . import evaluation as ev
from . import selectors
from .models import Opinion, Outcome, Vote
from .permissions import can_see_reviewer_identities

UNNUMBERED = "（未定稿，不编文号）"


@dataclass(frozen=True)
class Document:
    content: bytes
    number: str  # empty while the document is not final
    title: str

    @property
    def filename(self) -> str:
        return f"{self.number}　{self.title}.pdf" if self.number else f"{self.title}（未定稿）.pdf"


def issuing_body(jurisdiction) -> str:
    """The 落款: the configured issuing body, else the jurisdiction's office (牵头部门)."""
    if jurisdiction.issuing_body:
        return jurisdiction.issuing_body
    office = Organisation.objects.filter(
        jurisdiction=jurisdiction, kind=Organisation.Kind.OFFICE
    ).first()
    return office.name if office else jurisdiction.name


def copied_to(jurisdiction) -> list[str]:
    """抄送: the jurisdiction's finance and audit bureaus (财政局、审计局)."""
    kinds = [Organisation.Kind.FINANCE, Organisation.Kind.AUDIT]
    orgs = Organisation.objects.filter(jurisdiction=jurisdiction, kind__in=kinds)
    return [o.name for o in sorted(orgs, key=lambda o: kinds.index(o.kind))]


def project_title(name: str) -> str:
    """``name`` as a project: 雪亮工程平台 -> 雪亮工程平台项目; 智慧医保项目 stays."""
    return name if name.endswith("项目") else f"{name}项目"


def _number(kind, jurisdiction, year, subject, final) -> str:
    if not final:
        return ""
    return numbering.issue(jurisdiction=jurisdiction, kind=kind, year=year, subject=subject).text


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"today": timezone.localdate(), **context})
    return HTML(string=html).write_pdf()


def _decided_on(review):
    return timezone.localdate(review.decided_at) if review.decided_at else None


def review_report(review, user) -> Document:
    """The report as ``user`` may read it: expert names, employers and individual scores only
    for those who may see reviewer identities (``can_see_reviewer_identities``)."""
    project = review.project
    decided_on = _decided_on(review)
    number = _number(
        "review_report",
        project.jurisdiction,
        decided_on.year if decided_on else None,
        review,
        bool(review.decision),
    )
    panel = selectors.panel_for(review)
    opinions = selectors.latest_opinions(review)
    title = f"{project_title(project.name)}评审报告"
    content = _pdf(
        "review/pdf/review_report.html",
        {
            "review": review,
            "project": project,
            "number": number or UNNUMBERED,
            "title": title,
            "issuer": issuing_body(project.jurisdiction),
            "dated": decided_on or timezone.localdate(),
            "tasks": [(t, opinions.get(t.function)) for t in review.tasks.all()],
            "panel": panel,
            "members": selectors.panel_members(panel, user) if panel else [],
            "identities": can_see_reviewer_identities(user, project),
            "seats": panel.members.filter(replaced_at__isnull=True).count() if panel else 0,
            "items": selectors.items_for(review),
            **selectors.judged_material(review.project),
        },
    )
    return Document(content, number, title)


def meeting_minutes(meeting) -> Document:
    items = selectors.meeting_items(meeting)
    final = bool(items) and all(item.closed_at for item, _tally in items)
    number = _number("meeting_minutes", meeting.jurisdiction, meeting.held_on.year, meeting, final)
    title = f"{meeting.title}纪要"
    content = _pdf(
        "review/pdf/meeting_minutes.html",
        {
            "meeting": meeting,
            "number": number or UNNUMBERED,
            "title": title,
            "issuer": issuing_body(meeting.jurisdiction),
            "seats": meeting.members.select_related("user__organisation"),
            "items": items,
            "conditions": _committee_conditions([item for item, _tally in items]),
        },
    )
    return Document(content, number, title)


def notice_conditions(review) -> list[str]:
    """Every condition the notice must carry: each 有条件同意 opinion (current version), the
    conditions committee members attached to their votes, and the decision's own comment."""
    conditional = [
        opinion
        for opinion in selectors.latest_opinions(review).values()
        if opinion.conclusion == Opinion.Conclusion.AGREE_WITH_CONDITIONS
    ]
    lines = [
        f"{o.task.organisation}（{o.task.get_function_display()}）：{o.text.strip()}"
        for o in sorted(conditional, key=lambda o: o.task_id)
    ]
    lines += [f"联审会议：{text}" for text in _committee_conditions(selectors.items_for(review))]
    if review.decision_comment.strip():
        lines.append(review.decision_comment.strip())
    return lines


def _committee_conditions(items) -> list[str]:
    votes = Vote.objects.filter(
        item__in=[i.pk for i in items], choice=Outcome.APPROVE, item__closed_at__isnull=False
    ).exclude(conditions="")
    seen = []
    for text in votes.order_by("item_id", "cast_at", "pk").values_list("conditions", flat=True):
        if text.strip() not in seen:
            seen.append(text.strip())
    return seen


def approval_notice(review) -> Document:
    project = review.project
    decided_on = _decided_on(review)
    number = _number("approval_notice", project.jurisdiction, decided_on.year, review, True)
    title = f"关于{project_title(project.name)}立项的批复"
    content = _pdf(
        "review/pdf/approval_notice.html",
        {
            "review": review,
            "project": project,
            "project_title": project_title(project.name),
            "number": number,
            "title": title,
            "issuer": issuing_body(project.jurisdiction),
            "dated": decided_on,
            "fiscal": selectors.fiscal_recommendation(review),
            "units": "、".join(
                sorted({str(t.organisation) for t in review.tasks.select_related("organisation")})
            ),
            "conditions": notice_conditions(review),
            "copied_to": copied_to(project.jurisdiction),
            "deployment_condition": deployment_condition(project),
        },
    )
    return Document(content, number, title)


LEVELS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}


def deployment_condition(project) -> str:
    """The notice's deployment and security condition, from what the project declared
    (deployment, network, protection level, cryptography, approved exceptions)."""
    if project.classified:
        where = "项目为涉密系统，须按保密管理规定部署在电子政务内网"
    elif project.deployment == project.Deployment.OWN_ROOM:
        interface = project.own_room_interface.strip() or "申报的数据共享接口"
        where = f"项目经批准在自建机房部署，须按承诺向共享平台开放数据共享接口（{interface}）"
    else:
        where = "项目须部署在政务云"
        if project.network:
            where += f"，运行在{project.get_network_display()}"
    parts = [where]
    if project.restricted_labels:
        parts.append(
            "限制类建设内容（" + "、".join(project.restricted_labels) + "）以例外审批范围为限"
        )
    if project.protection_level:
        parts.append(
            f"按网络安全等级保护第{LEVELS[project.protection_level]}级要求同步建设安全保障措施"
        )
    if (project.protection_level or 0) >= 3 or project.invest_crypto:
        parts.append("同步开展商用密码应用建设和密码应用安全性评估")
    return "，".join(parts) + "。"


def evaluation_report(item, user) -> Document:
    """后评价报告: the facts (acceptance, window, investment and its use, data sharing), the
    criteria and the panel's score, the grade and the office's conclusion."""
    review = item.review
    panel = selectors.panel_for(review)
    flag, facts = ev.evaluation_state(item.project)
    project = item.project
    completed_on = timezone.localdate(item.completed_at) if item.completed_at else None
    number = _number(
        "evaluation_report",
        project.jurisdiction,
        completed_on.year if completed_on else None,
        item,
        item.completed_at is not None,
    )
    title = f"{project_title(project.name)}后评价报告"
    content = _pdf(
        "review/pdf/evaluation_report.html",
        {
            "item": item,
            "project": item.project,
            "review": review,
            "number": number or UNNUMBERED,
            "title": title,
            "issuer": issuing_body(project.jurisdiction),
            "facts": facts,
            "flag_label": ev.Due.LABELS[flag],
            "record_facts": ev.record_facts(item.project),
            "criteria": selectors.criteria_for(
                jurisdiction_id=item.project.jurisdiction_id, occasion=review.occasion
            ),
            "panel": panel,
            "members": selectors.panel_members(panel, user) if panel else [],
            "identities": can_see_reviewer_identities(user, item.project),
            "bands": ev.GRADE_BANDS,
        },
    )
    return Document(content, number, title)
