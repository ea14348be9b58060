"""Who may act on reporting periods, monthly returns and dispatch notes (SPEC §2, §7)."""

from core.models import Role
from core.permissions import ALLOW, Decision, deny

R = Role


def _in_jurisdiction(user, jurisdiction_id) -> bool:
    return user.jurisdiction_id is not None and user.jurisdiction_id == jurisdiction_id


def can_manage_periods(user, jurisdiction_id) -> Decision:
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以管理填报期")
    if not _in_jurisdiction(user, jurisdiction_id):
        return deny("只能管理本辖区的填报期")
    return ALLOW


def can_file_return(user, ret) -> Decision:
    """The department's officer fills and files its own returns."""
    if not user.has_role(R.DEPT_OFFICER):
        return deny("只有本单位的经办人可以填报月报")
    if user.organisation_id != ret.department_id:
        return deny("只能填报本单位的月报")
    return ALLOW


def can_confirm_return(user, ret) -> Decision:
    if not user.has_role(R.DEPT_HEAD):
        return deny("只有单位负责人可以确认月报")
    if user.organisation_id != ret.department_id:
        return deny("只能确认本单位的月报")
    return ALLOW


def can_check_return(user, ret) -> Decision:
    """The office of the period's jurisdiction accepts, returns and reopens."""
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以审核月报")
    if not _in_jurisdiction(user, ret.jurisdiction_id):
        return deny("只能审核本辖区的月报")
    return ALLOW


def can_issue_note(user, jurisdiction_id) -> Decision:
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以下发调度意见")
    if not _in_jurisdiction(user, jurisdiction_id):
        return deny("只能向本辖区的单位下发调度意见")
    return ALLOW


def can_answer_note(user, note) -> Decision:
    if not user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD):
        return deny("只有被督办单位的经办人或负责人可以答复")
    if user.organisation_id != note.department_id:
        return deny("只能答复本单位的调度意见")
    return ALLOW


def can_close_note(user, note) -> Decision:
    return can_issue_note(user, note.jurisdiction_id)
