"""Who may act in a review. Each predicate returns a Decision with the reason."""

from core.models import Role
from core.permissions import ALLOW, Decision, deny
from projects.querysets import jurisdiction_scope

from .calendar import meeting_date_refusal
from .models import UNDER_REVIEW_STATE
from .recusal import expert_in_conflict, member_recused

R = Role


def can_manage_review(user, jurisdiction_id) -> Decision:
    """The coordinating office runs rounds, panels, meetings and decisions."""
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以办理")
    if user.jurisdiction_id != jurisdiction_id:
        return deny("只能办理本辖区的评审")
    return ALLOW


def can_read_meetings(user, jurisdiction_id) -> Decision:
    """Meetings, minutes and cycle time: the office runs them; leaders and auditors read them."""
    if not user.has_role(R.OFFICE, R.LEADER, R.AUDITOR):
        return deny("只有牵头部门、领导和审计部门可以查看联审会议和评审用时")
    if jurisdiction_id not in jurisdiction_scope(user):
        return deny("只能查看本辖区的联审会议")
    return ALLOW


def can_see_reviewer_identities(user, project) -> Decision:
    """SPEC §4, for every review of ``project``: the applicant department sees the panel score,
    the opinions and the result and tally, never expert names, employers, individual scores or
    named votes; the office, leaders and auditors see all. Everyone else sees only his own
    seat or vote. Pages, the project timeline and the PDFs all ask here."""
    if user.is_superuser or user.has_role(R.OFFICE, R.LEADER, R.AUDITOR):
        return ALLOW
    return deny("评审专家和委员的身份及个人评分不公开")


def can_draw_panel(user, review) -> Decision:
    if review.status != "open":
        return deny("评审已结束，不能抽取专家")
    return can_manage_review(user, review.project.jurisdiction_id)


def can_change_panel(user, panel) -> Decision:
    """Replacing experts and closing the panel, while it is scoring."""
    if panel.closed_at:
        return deny("专家评审已结束")
    return can_manage_review(user, panel.review.project.jurisdiction_id)


def can_add_to_agenda(user, review) -> Decision:
    if review.occasion != "approval":
        return deny("只有立项评审需提交联审会议表决")
    if review.status != "open":
        return deny("只有评审中的项目可以列入议程")
    return can_manage_review(user, review.project.jurisdiction_id)


def can_run_meeting(user, meeting) -> Decision:
    """Attendance, agenda and closing items: the office of the meeting's jurisdiction."""
    return can_manage_review(user, meeting.jurisdiction_id)


def can_close_item(user, item) -> Decision:
    if item.closed_at:
        return deny("该议题已结束表决")
    if refusal := meeting_date_refusal(item.meeting, "结束表决"):
        return deny(refusal)
    return can_run_meeting(user, item.meeting)


def can_record_decision(user, item) -> Decision:
    """The office records the committee's decision on a closed item of an open review."""
    if not item.closed_at:
        return deny("会议尚未结束该议题的表决，不能作出决定")
    if item.review.status != "open":
        return deny("该评审已作出决定")
    return can_manage_review(user, item.meeting.jurisdiction_id)


def can_give_opinion(user, task) -> Decision:
    if not user.has_role(R.REVIEWER):
        return deny("只有审查成员单位可以出具意见")
    if user.organisation_id != task.organisation_id:
        return deny(f"该意见应由{task.organisation}出具")
    if task.review.status != "open":
        return deny("评审已结束，不能再出具意见")
    return _project_under_review(task.review)


REVIEW_STAGE = {"approval": "联审", "acceptance": "竣工验收", "post_evaluation": "后评价"}


def _project_under_review(review) -> Decision:
    """Opinions and scores are given only while the project is in its occasion's review state
    (联合评审中, 验收申请中, 后评价中; not suspended or terminated)."""
    project = review.project
    if project.status != UNDER_REVIEW_STATE[review.occasion]:
        return deny(
            f"项目{project.get_status_display()}，不在{REVIEW_STAGE[review.occasion]}中，"
            "不能出具意见或评分"
        )
    return ALLOW


def can_score(user, member) -> Decision:
    if member.expert.user_id != user.pk:
        return deny("只能为分配给本人的项目评分")
    if member.replaced_at:
        return deny("您已被替换出专家组")
    if member.panel.closed_at:
        return deny("专家评审已结束，不能再评分")
    if member.scored_at:
        return deny("已提交评分，不能修改")
    if expert_in_conflict(member.expert, member.panel.review.project):
        return deny("您与申报单位存在利害关系，须回避，不能评分")
    return _project_under_review(member.panel.review)


def can_vote(user, item, seat) -> Decision:
    """``seat`` is the user's MeetingMember row for the item's meeting (or None)."""
    if seat is None or not user.has_role(R.COMMITTEE):
        return deny("您不是本次会议的委员")
    if item.closed_at:
        return deny("该议题已结束表决，不能再投票或改票")
    if refusal := meeting_date_refusal(item.meeting, "表决"):
        return deny(refusal)
    if not seat.present:
        return deny("未出席会议的委员不能表决")
    if member_recused(user, item.review.project):
        return deny("申报单位的委员须回避，不参加表决")
    if item.review.project.status != "in_review":
        return deny(f"项目{item.review.project.get_status_display()}，不在联审中，不能表决")
    return ALLOW


def can_manage_systems(user, jurisdiction_id) -> Decision:
    """The office keeps its jurisdiction's register of information systems."""
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以维护政务信息系统目录")
    if jurisdiction_id is None or user.jurisdiction_id != jurisdiction_id:
        return deny("只能维护本辖区的政务信息系统目录")
    return ALLOW


def systems_visible_to(user):
    """The register as ``user`` may read it: the office, leaders, auditors, reviewers and
    finance read their jurisdiction and those below; departments read their own jurisdiction."""
    from .models import InformationSystem

    systems = InformationSystem.objects.all()
    if not user.is_authenticated:
        return systems.none()
    if user.is_superuser or user.has_role(R.ADMIN):
        return systems
    if user.has_role(R.OFFICE, R.LEADER, R.AUDITOR, R.REVIEWER, R.FINANCE):
        return systems.filter(jurisdiction_id__in=jurisdiction_scope(user))
    if user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD):
        return systems.filter(jurisdiction_id=user.jurisdiction_id)
    return systems.none()
