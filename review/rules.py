"""Review's hooks into the project lifecycle (registered from ``ReviewConfig.ready()``): R7
duplicate investment, the application window for annual submissions, and the committee
decision that approve / reject / send_back require."""

from django.utils import timezone

from core.permissions import WorkflowError
from core.policy import cites, with_basis
from projects.models import Project
from projects.rules import WARNING, ok, pending, proposal_saved, rule, submission_check
from projects.workflow import committee_decision

from . import selectors
from .models import AgendaItem, Outcome, Panel, Review
from .selectors import open_application_round
from .similarity import check_project, refresh_project, stored_hits

WINDOW_CLOSED = "年度集中申报须在评审批次的申报窗口期内提交，当前没有开放的申报窗口"
R7_MESSAGE = "发现相似的项目或已建信息系统："
R7_HINT = "说明与上述项目或系统的区别、整合或复用方式（评审单位可见）。"


def describe(hit) -> str:
    kind = "已建系统" if hit.kind == "system" else "项目"
    return f"{hit.owner}{kind}“{hit.name}”（{hit.status}，相似度 {hit.score:.0f}）"


@rule("R7", "相似项目查重（防止重复建设）", kind=WARNING)
def r7_duplicates(facts):
    """Pages and the submit guard read the stored result (written when the proposal is saved
    or submitted); the live form, or a project saved before the index existed, is checked now."""
    p = facts.project
    if not p.name:
        return pending("尚未填写项目名称")
    stored = None if p._state.adding else stored_hits(p)
    hits, when = stored if stored else (check_project(p), None)
    stamp = f"（查重时间 {timezone.localtime(when):%Y-%m-%d %H:%M}）" if when else ""
    risky = [h for h in hits if h.is_hit]
    if risky:
        return WARNING, R7_MESSAGE + "；".join(describe(h) for h in risky) + stamp, R7_HINT
    if hits:
        return ok("未发现重复建设风险；相近的有：" + "；".join(describe(h) for h in hits) + stamp)
    return ok("未发现相似的项目或已建信息系统" + stamp)


@proposal_saved
def keep_r7_result(project, *, submitted):
    """Index and check the proposal as saved; on submission always rescore, so the result
    reviewers read carries the time it was submitted."""
    refresh_project(project, force=submitted)


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
