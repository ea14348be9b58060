"""Who may act in acceptance, the audit list and the rectification register (a Decision each)."""

from core.models import Role
from core.permissions import ALLOW, Decision, deny

R = Role


def _in_jurisdiction(user, jurisdiction_id) -> bool:
    return user.jurisdiction_id is not None and user.jurisdiction_id == jurisdiction_id


def can_record_initial_acceptance(user, project) -> Decision:
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以登记初验")
    if not _in_jurisdiction(user, project.jurisdiction_id):
        return deny("只能登记本辖区项目的初验")
    if project.status not in ("in_construction", "rectifying"):
        return deny(f"项目{project.get_status_display()}，只有建设中的项目可以登记初验")
    return ALLOW


def can_prepare_acceptance(user, project) -> Decision:
    """The department's officer keeps the R8 checklist of its own project while building."""
    if not user.has_role(R.DEPT_OFFICER):
        return deny("只有申报单位的经办人可以准备验收材料")
    if user.organisation_id != project.department_id:
        return deny("只能准备本单位项目的验收材料")
    if project.status not in ("in_construction", "rectifying"):
        return deny(f"项目{project.get_status_display()}，不能再修改验收材料")
    return ALLOW


def can_manage_audit_list(user, jurisdiction_id) -> Decision:
    if not user.has_role(R.AUDITOR):
        return deny("只有审计部门可以记录审计情况")
    if not _in_jurisdiction(user, jurisdiction_id):
        return deny("只能记录本辖区的审计清单")
    return ALLOW


def can_read_audit_list(user) -> Decision:
    if not user.has_role(R.AUDITOR, R.OFFICE, R.LEADER):
        return deny("年度审计清单由审计部门管理")
    return ALLOW


def can_enter_item(user, jurisdiction_id) -> Decision:
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以登记整改事项")
    if not _in_jurisdiction(user, jurisdiction_id):
        return deny("只能登记本辖区的整改事项")
    return ALLOW


def can_respond_item(user, item) -> Decision:
    if not user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD):
        return deny("只有责任单位的经办人或负责人可以反馈整改情况")
    if user.organisation_id != item.department_id:
        return deny("只能反馈本单位的整改事项")
    return ALLOW


def can_close_item(user, item) -> Decision:
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以销号或退回整改事项")
    if not _in_jurisdiction(user, item.jurisdiction_id):
        return deny("只能办理本辖区的整改事项")
    return ALLOW
