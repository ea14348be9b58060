"""Who may act on a project. Each predicate returns a Decision with the reason."""

from core.models import Role
from core.permissions import ALLOW, Decision, deny

R = Role


def _in_department(user, project) -> bool:
    return user.organisation_id is not None and user.organisation_id == project.department_id


def _in_jurisdiction(user, project) -> bool:
    return user.jurisdiction_id is not None and user.jurisdiction_id == project.jurisdiction_id


def _department_role(user, project, *roles) -> Decision:
    if not user.has_role(*roles):
        return deny("只有申报单位的经办人或负责人可以办理")
    if not _in_department(user, project):
        return deny("只能办理本单位的项目")
    return ALLOW


def _office_role(user, project, *roles) -> Decision:
    if not user.has_role(*roles):
        return deny("只有牵头部门可以办理")
    if not _in_jurisdiction(user, project):
        return deny("只能办理本辖区的项目")
    return ALLOW


def can_edit_project(user, project) -> Decision:
    if project.status not in ("draft", "returned"):
        return deny("只有草稿或退回修改的项目可以编辑")
    return _department_role(user, project, R.DEPT_OFFICER, R.DEPT_HEAD)


def can_submit_project(user, project) -> Decision:
    return _department_role(user, project, R.DEPT_OFFICER, R.DEPT_HEAD)


def can_withdraw_project(user, project) -> Decision:
    return _department_role(user, project, R.DEPT_OFFICER, R.DEPT_HEAD)


def can_confirm_project(user, project) -> Decision:
    if not user.has_role(R.DEPT_HEAD):
        return deny("只有单位负责人可以确认申报")
    if not _in_department(user, project):
        return deny("只能确认本单位的项目")
    return ALLOW


def head_confirmation_missing(user, project) -> bool:
    """The jurisdiction requires the head's confirmation, it is not given, and ``user`` is not
    a head (a head confirms by submitting). The submit guard and the page both ask here."""
    return (
        project.jurisdiction.require_head_confirmation
        and not project.head_confirmed_at
        and not user.has_role(R.DEPT_HEAD)
    )


def can_precheck_project(user, project) -> Decision:
    return _office_role(user, project, R.OFFICE)


def can_decide_project(user, project) -> Decision:
    return _office_role(user, project, R.OFFICE)


def can_supervise_project(user, project) -> Decision:
    return _office_role(user, project, R.OFFICE, R.LEADER)


def can_fund_project(user, project) -> Decision:
    if not user.has_role(R.FINANCE):
        return deny("只有财政部门可以纳入预算")
    if not _in_jurisdiction(user, project):
        return deny("只能办理本辖区的项目")
    return ALLOW


def can_build_project(user, project) -> Decision:
    return _department_role(user, project, R.DEPT_OFFICER)


def can_create_project(user) -> Decision:
    if not user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD) or user.organisation_id is None:
        return deny("只有需求部门的经办人可以新建项目")
    return ALLOW
