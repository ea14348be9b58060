"""Who may act on funds, contracts and disbursements. Each predicate returns a Decision."""

from core.models import Role
from core.permissions import ALLOW, Decision, deny

R = Role


def _in_jurisdiction(user, jurisdiction_id) -> bool:
    return user.jurisdiction_id is not None and user.jurisdiction_id == jurisdiction_id


def can_manage_fund(user, jurisdiction_id) -> Decision:
    if not user.has_role(R.FINANCE):
        return deny("只有财政部门可以管理专项资金")
    if not _in_jurisdiction(user, jurisdiction_id):
        return deny("只能管理本辖区的专项资金")
    return ALLOW


def can_read_fund_pool(user) -> Decision:
    """The pool's allocated and available totals span every department's lines, so only the
    roles that see the whole jurisdiction read them (SPEC §2: a department sees its own)."""
    if not user.has_role(R.FINANCE, R.OFFICE, R.LEADER, R.AUDITOR):
        return deny("专项资金由财政部门管理，申报单位只能查看本单位的资金安排")
    return ALLOW


def can_record_contract(user, project) -> Decision:
    if not user.has_role(R.DEPT_OFFICER):
        return deny("只有申报单位的经办人可以登记采购合同")
    if user.organisation_id != project.department_id:
        return deny("只能登记本单位项目的采购合同")
    return ALLOW


def can_request_disbursement(user, disbursement) -> Decision:
    """The department that owns the project drafts, edits and submits requests."""
    if not user.has_role(R.DEPT_OFFICER):
        return deny("只有申报单位的经办人可以办理拨付申请")
    if user.organisation_id != disbursement.project.department_id:
        return deny("只能办理本单位项目的拨付申请")
    return ALLOW


def can_verify_disbursement(user, disbursement) -> Decision:
    if not user.has_role(R.OFFICE):
        return deny("只有牵头部门可以审核拨付申请")
    if not _in_jurisdiction(user, disbursement.project.jurisdiction_id):
        return deny("只能审核本辖区的拨付申请")
    return ALLOW


def can_approve_disbursement(user, disbursement) -> Decision:
    if not user.has_role(R.FINANCE):
        return deny("只有财政部门可以审批和支付拨付申请")
    if not _in_jurisdiction(user, disbursement.project.jurisdiction_id):
        return deny("只能审批本辖区的拨付申请")
    return ALLOW


def can_review_disbursement(user, disbursement) -> Decision:
    """Whoever holds the request at its current step may return or reject it."""
    if disbursement.status == "verified":
        return can_approve_disbursement(user, disbursement)
    return can_verify_disbursement(user, disbursement)


def can_close_disbursement(user, disbursement) -> Decision:
    """Whoever terminates the project (office or leader) closes its unpaid requests."""
    if not user.has_role(R.OFFICE, R.LEADER):
        return deny("只有牵头部门或领导可以终止项目并关闭其拨付申请")
    if not _in_jurisdiction(user, disbursement.project.jurisdiction_id):
        return deny("只能办理本辖区的项目")
    return ALLOW


def can_apply_om(user, application) -> Decision:
    """The department that owns the project applies for (and withdraws) O&M funding."""
    if not user.has_role(R.DEPT_OFFICER):
        return deny("只有建设单位的经办人可以申请运维经费")
    if user.organisation_id != application.project.department_id:
        return deny("只能为本单位的项目申请运维经费")
    return ALLOW


def can_decide_om(user, application) -> Decision:
    """Finance manages O&M funding (004:99: 负责…运维经费管理)."""
    return can_manage_fund(user, application.project.jurisdiction_id)
