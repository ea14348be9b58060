"""Who may act in a review. Each predicate returns a Decision with the reason."""

from core.models import Role
from core.permissions import ALLOW, Decision, deny

R = Role


def can_manage_review(user, jurisdiction_id) -> Decision:
    """The coordinating office runs rounds, panels, meetings and decisions."""
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以办理")
    if user.jurisdiction_id != jurisdiction_id:
        return deny("只能办理本辖区的评审")
    return ALLOW


def can_give_opinion(user, task) -> Decision:
    if not user.has_role(R.REVIEWER):
        return deny("只有审查成员单位可以出具意见")
    if user.organisation_id != task.organisation_id:
        return deny(f"该意见应由{task.organisation}出具")
    if task.review.status != "open":
        return deny("评审已结束，不能再出具意见")
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
    return ALLOW


def can_vote(user, item, seat) -> Decision:
    """``seat`` is the user's MeetingMember row for the item's meeting (or None)."""
    if seat is None or not user.has_role(R.COMMITTEE):
        return deny("您不是本次会议的委员")
    if item.closed_at:
        return deny("该议题已结束表决，不能再投票或改票")
    if not seat.present:
        return deny("未出席会议的委员不能表决")
    if user.organisation_id == item.review.project.department_id:
        return deny("申报单位的委员须回避，不参加表决")
    return ALLOW
