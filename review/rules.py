"""Review's hooks into the proposal rules (registered from ``ReviewConfig.ready()``): R7
duplicate investment, and the application window for annual submissions."""

from core.permissions import WorkflowError
from projects.models import Project
from projects.rules import WARNING, ok, pending, rule, submission_check

from .selectors import open_application_round
from .similarity import similar_projects

R7_THRESHOLD = 80


@rule("R7", "相似项目查重（防止重复建设）", kind=WARNING, basis="000:105")
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
        raise WorkflowError("年度集中申报须在评审批次的申报窗口期内提交，当前没有开放的申报窗口")
