"""Procurement contracts with their payment milestones, and starting construction."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core.audit import audit_record
from core.money import money_text
from core.permissions import WorkflowError, require
from core.workflow import _fire
from projects.models import Project
from projects.workflow import LIFECYCLE as PROJECT

from .. import permissions as can
from ..calendar import contract_date_refusal
from ..models import Contract, Milestone, Trigger
from ..rules import SPENDING_STATES, ZERO, sum_of
from .common import CENT, checked_amount

# Procurement contracts -------------------------------------------------------------------


def _trigger(m, name) -> dict:
    trigger = Trigger.FINAL if m.get("is_final") else (m.get("trigger") or Trigger.SIGNING)
    if trigger not in Trigger.values:
        raise WorkflowError(f"付款节点“{name}”的支付条件无效")
    due_on = m.get("due_on") if trigger == Trigger.DATE else None
    if trigger == Trigger.DATE and due_on is None:
        raise WorkflowError(f"付款节点“{name}”按约定日期支付的，须填写日期")
    return {"trigger": trigger, "due_on": due_on}


def _milestone_rows(amount, milestones):
    """Turn ``[{name, percent | amount, is_final, trigger, due_on}]`` into rows with yuan
    amounts summing up. The final payment waits for 终验; others default to signing."""
    if not milestones:
        raise WorkflowError("请至少填写一个付款节点")
    if sum(1 for m in milestones if m.get("is_final")) != 1:
        raise WorkflowError("须且只能指定一个尾款节点（终验后支付）")
    rows = []
    for index, m in enumerate(milestones, start=1):
        name = (m.get("name") or "").strip()
        if not name:
            raise WorkflowError(f"第{index}个付款节点须填写名称")
        percent = m.get("percent")
        if percent is not None:
            percent = Decimal(percent)
            if not ZERO < percent <= 100:
                raise WorkflowError(f"付款节点“{name}”的比例须在 0 到 100 之间")
            value = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
        else:
            value = checked_amount(m.get("amount"), f"付款节点“{name}”的金额")
        rows.append(
            {
                "seq": index,
                "name": name,
                "percent": percent,
                "amount": value,
                "is_final": bool(m.get("is_final")),
                **_trigger(m, name),
            }
        )
    if all(r["percent"] is not None for r in rows):
        if sum(r["percent"] for r in rows) != 100:
            raise WorkflowError("付款节点比例合计须为 100%")
        rows[-1]["amount"] += amount - sum(r["amount"] for r in rows)  # rounding to the cent
    if sum(r["amount"] for r in rows) != amount:
        raise WorkflowError(
            f"付款节点金额合计 {money_text(sum(r['amount'] for r in rows))} 须等于合同金额 {money_text(amount)}"
        )
    return rows


@transaction.atomic
def contract_record(
    *, project, by, name, vendor, method, amount, signed_on, milestones
) -> Contract:
    """The department records a procurement contract and its payment milestones."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(can.can_record_contract(by, project))
    if project.status not in SPENDING_STATES:
        raise WorkflowError(
            f"项目当前状态为“{project.get_status_display()}”，纳入预算后才能登记采购合同"
        )
    if not (name or "").strip() or not (vendor or "").strip():
        raise WorkflowError("请填写合同名称和供应商")
    if method not in Contract.Method.values:
        raise WorkflowError("请选择采购方式")
    amount = checked_amount(amount, "合同金额")
    if not isinstance(signed_on, dt.date):
        raise WorkflowError("请填写签订日期")
    refusal = contract_date_refusal(project, signed_on)
    if refusal:
        raise WorkflowError(refusal)
    signed = sum_of(project.contracts.all())
    if signed + amount > (project.approved_amount or ZERO):
        raise WorkflowError(
            f"合同金额合计 {money_text(signed + amount)} 超出核定投资 {money_text(project.approved_amount)}"
        )
    rows = _milestone_rows(amount, milestones)
    contract = Contract.objects.create(
        project=project,
        name=name.strip(),
        vendor=vendor.strip(),
        method=method,
        amount=amount,
        signed_on=signed_on,
        created_by=by,
    )
    Milestone.objects.bulk_create(Milestone(contract=contract, **row) for row in rows)
    audit_record(
        by=by,
        subject=contract,
        project=project,
        action="contract",
        action_label="登记采购合同",
        comment=f"{contract.name}（{contract.vendor}，{contract.get_method_display()}）{money_text(amount)}",
        data={
            "amount": amount,
            "milestones": [[r["name"], r["amount"], r["trigger"]] for r in rows],
        },
    )
    return contract


def project_start_construction(*, project, by) -> Project:
    """The department starts building once a contract is recorded (the contract_signed guard)."""
    return _fire(PROJECT, project, "start_construction", by=by)
