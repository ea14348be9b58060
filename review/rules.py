"""Review's hooks into the project lifecycle (registered from ``ReviewConfig.ready()``): R7
duplicate investment, the application window for annual submissions, and the committee
decision that approve / reject / send_back require."""

from core.permissions import WorkflowError
from core.policy import cites, with_basis
from projects.models import Project
from projects.rules import WARNING, ok, pending, rule, submission_check
from projects.workflow import committee_decision

from . import selectors
from .models import AgendaItem, Outcome, Panel, Review
from .selectors import open_application_round
from .similarity import similar_projects

R7_THRESHOLD = 80
WINDOW_CLOSED = "年度集中申报须在评审批次的申报窗口期内提交，当前没有开放的申报窗口"


@rule("R7", "相似项目查重（防止重复建设）", kind=WARNING)
def r7_duplicates(facts):
    p = facts.project
    if not p.name:
        return pending("尚未填写项目名称")
    found = similar_projects(p, limit=3)
    # Another department's near-identical project is the 重复建设 risk; the department
    # knows its own, which are still listed to reviewers.
    risky = [s for s in found if s.score >= R7_THRESHOLD and s.department_id != p.department_id]
    listed = "；".join(f"{s.department}“{s.name}”（相似度 {s.score:.0f}）" for s in found)
    if risky:
        return (
            WARNING,
            "发现其他部门的相似项目：" + listed,
            "说明与相似项目的区别或整合方式（评审单位可见）。",
        )
    return ok("相似项目：" + listed if found else "未发现相似项目")


@submission_check
def application_window_open(project):
    """Annual (年度集中) proposals are submitted only while a round's window is open."""
    if project.channel != Project.Channel.ANNUAL:
        return
    if open_application_round(jurisdiction_id=project.jurisdiction_id) is None:
        raise WorkflowError(with_basis(WINDOW_CLOSED, "年度集中申报", project.jurisdiction))


@committee_decision.register
@cites("联审")
def decision_matches_vote(project, by, context):
    """The agenda item (``context["item"]``) closed its vote with quorum after every opinion
    and the expert scoring, and the decision fired equals the vote's result (SPEC §4)."""
    if context.get("item") is None:
        return "须在联审会议表决后记录决定"
    item = (
        AgendaItem.objects.select_for_update().select_related("review").get(pk=context["item"].pk)
    )
    review = Review.objects.select_for_update().get(pk=item.review_id)
    if review.status != Review.Status.OPEN:
        return "该评审已作出决定"
    missing = selectors.missing_opinions(review)
    if missing:
        return "尚缺书面意见：" + "、".join(missing) + "，不能作出决定"
    panel = Panel.objects.filter(review=review).first()
    if panel is None or panel.closed_at is None:
        return "专家评审尚未结束，不能作出决定"
    if item.closed_at is None:
        return "会议尚未结束该议题的表决，不能作出决定"
    if not item.quorum_met:
        return "会议出席委员未达到法定人数，表决无效，不能作出决定"
    decision = context["action"]
    if decision != item.result:
        result = Outcome(item.result).label if item.result else "无有效表决"
        return f"决定“{Outcome(decision).label}”与会议表决结果“{result}”不一致"
    return None
