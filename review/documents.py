"""Documents generated from the record (SPEC §4): 评审报告, 会议纪要, 批复 — A4 PDF."""

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .permissions import can_see_reviewer_identities


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"today": timezone.localdate(), **context})
    return HTML(string=html).write_pdf()


def document_number(kind: str, obj, year=None) -> str:
    """e.g. 湘审评〔2026〕0007号: prefix per kind, year, record number."""
    prefix = {"report": "审评", "minutes": "联审纪", "notice": "审批复"}[kind]
    return f"XT{prefix}〔{year or timezone.localdate().year}〕{obj.pk:04d}号"


def review_report(review, user) -> bytes:
    """The report as ``user`` may read it: expert names, employers and individual scores only
    for those who may see reviewer identities (``can_see_reviewer_identities``)."""
    panel = selectors.panel_for(review)
    opinions = selectors.latest_opinions(review)
    return _pdf(
        "review/pdf/review_report.html",
        {
            "review": review,
            "project": review.project,
            "number": document_number("report", review),
            "tasks": [(t, opinions.get(t.function)) for t in review.tasks.all()],
            "panel": panel,
            "members": selectors.panel_members(panel, user) if panel else [],
            "identities": can_see_reviewer_identities(user, review.project),
            "seats": panel.members.filter(replaced_at__isnull=True).count() if panel else 0,
            "items": selectors.items_for(review),
        },
    )


def meeting_minutes(meeting) -> bytes:
    return _pdf(
        "review/pdf/meeting_minutes.html",
        {
            "meeting": meeting,
            "number": document_number("minutes", meeting, meeting.held_on.year),
            "seats": meeting.members.select_related("user__organisation"),
            "items": selectors.meeting_items(meeting),
        },
    )


def approval_notice(review) -> bytes:
    return _pdf(
        "review/pdf/approval_notice.html",
        {
            "review": review,
            "project": review.project,
            "number": document_number("notice", review),
            "fiscal": selectors.fiscal_recommendation(review),
            "deployment_condition": deployment_condition(review.project),
        },
    )


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
    parts.append("建成后按规定申请竣工验收")
    return "，".join(parts) + "。"
