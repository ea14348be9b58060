from django import forms

from core.concurrency import VersionField
from core.forms import CleanForm
from core.money import WanField, money_text

from .models import Contract, Trigger

YEAR = {
    "min_value": 2000,
    "max_value": 2100,
    "error_messages": {
        "min_value": "年度超出范围",
        "max_value": "年度超出范围",
        "invalid": "年度须为数字",
    },
}


SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class FundForm(CleanForm):
    year = forms.IntegerField(label="预算年度", **YEAR)
    amount = WanField(label="年度额度", required=True)
    name = forms.CharField(label="名称（可选）", max_length=100, required=False)


class AllocationForm(CleanForm):
    """Up to three fiscal years for a multi-year project."""

    SLOTS = 3

    def __init__(self, *args, start_year=2026, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.SLOTS):
            self.fields[f"year_{i}"] = forms.IntegerField(
                label="年度", required=False, initial=start_year + i if i == 0 else None, **YEAR
            )
            self.fields[f"amount_{i}"] = WanField(label="安排金额")

    def allocations(self):
        rows = []
        for i in range(self.SLOTS):
            year, amount = self.cleaned_data.get(f"year_{i}"), self.cleaned_data.get(f"amount_{i}")
            if year or amount:
                rows.append((year or 0, amount))
        return rows

    def slots(self):
        return [(self[f"year_{i}"], self[f"amount_{i}"]) for i in range(self.SLOTS)]


class ContractForm(CleanForm):
    SLOTS = 4
    DEFAULTS = [("签订合同", 30), ("初验", 40), ("终验", 30), ("", None)]
    TRIGGERS = [Trigger.SIGNING, Trigger.INITIAL, Trigger.FINAL, Trigger.SIGNING]

    name = forms.CharField(label="合同名称", max_length=120)
    vendor = forms.CharField(label="供应商", max_length=120)
    method = forms.ChoiceField(label="采购方式", choices=Contract.Method.choices, widget=SELECT)
    amount = WanField(label="合同金额", required=True)
    signed_on = forms.DateField(
        label="签订日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "签订日期格式不正确"},
    )
    final = forms.TypedChoiceField(
        label="尾款节点", coerce=int, choices=[(i, f"第{i + 1}个") for i in range(SLOTS)], initial=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i, (name, percent) in enumerate(self.DEFAULTS):
            self.fields[f"m_name_{i}"] = forms.CharField(
                label="付款节点", max_length=60, required=False, initial=name
            )
            self.fields[f"m_percent_{i}"] = forms.DecimalField(
                label="比例（%）",
                required=False,
                initial=percent,
                min_value=0,
                max_value=100,
                decimal_places=2,
                error_messages={"min_value": "比例不能为负数", "max_value": "比例不能超过100%"},
            )
            self.fields[f"m_amount_{i}"] = WanField(label="或金额")
            self.fields[f"m_trigger_{i}"] = forms.ChoiceField(
                label="支付条件",
                choices=Trigger.choices,
                initial=self.TRIGGERS[i] if i < len(self.TRIGGERS) else Trigger.SIGNING,
                required=False,
                widget=SELECT,
            )
            self.fields[f"m_due_{i}"] = forms.DateField(
                label="约定日期",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={"invalid": "约定支付日期格式不正确"},
            )

    def milestones(self):
        data, rows = self.cleaned_data, []
        for i in range(self.SLOTS):
            name, percent = data.get(f"m_name_{i}"), data.get(f"m_percent_{i}")
            amount = data.get(f"m_amount_{i}")
            if not name and percent is None and not amount:
                continue
            row = {
                "name": name,
                "is_final": data.get("final") == i,
                "trigger": data.get(f"m_trigger_{i}") or Trigger.SIGNING,
                "due_on": data.get(f"m_due_{i}"),
            }
            row["percent" if percent is not None else "amount"] = (
                percent if percent is not None else amount
            )
            rows.append(row)
        return rows

    def milestone_slots(self):
        return [
            (
                i,
                self[f"m_name_{i}"],
                self[f"m_percent_{i}"],
                self[f"m_amount_{i}"],
                self[f"m_trigger_{i}"],
                self[f"m_due_{i}"],
            )
            for i in range(self.SLOTS)
        ]


class DisbursementForm(CleanForm):
    milestone = forms.ModelChoiceField(
        label="付款节点", queryset=None, empty_label=None, widget=SELECT
    )
    budget_line = forms.ModelChoiceField(
        label="预算安排", queryset=None, empty_label=None, widget=SELECT
    )
    amount = WanField(label="申请金额", required=True)
    purpose = forms.CharField(label="用途说明", max_length=200, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Milestone

        self.fields["milestone"].queryset = Milestone.objects.filter(
            contract__project=project
        ).select_related("contract")
        self.fields["milestone"].label_from_instance = lambda m: (
            f"{m.contract.name} · {m}（{money_text(m.amount)}）"
        )
        self.fields["budget_line"].queryset = project.budget_lines.select_related("fund")


class DisbursementEditForm(DisbursementForm):
    version = VersionField()


class ActionForm(CleanForm):
    comment = forms.CharField(required=False, max_length=2000)
    voucher_no = forms.CharField(required=False, max_length=40)
    paid_on = forms.DateField(required=False)


class OmRoundForm(CleanForm):
    year = forms.IntegerField(label="经费年度", **YEAR)
    opens_on = forms.DateField(label="申请开始", error_messages={"invalid": "请填写正确的日期"})
    closes_on = forms.DateField(label="申请截止", error_messages={"invalid": "请填写正确的日期"})
    name = forms.CharField(label="名称（可选）", max_length=100, required=False)


class OmApplyForm(CleanForm):
    project = forms.IntegerField(label="项目", error_messages={"required": "请选择项目"})
    amount = WanField(label="申请金额", required=True)
    purpose = forms.CharField(label="运维内容", max_length=2000, widget=forms.Textarea)


class OmActionForm(CleanForm):
    amount = WanField(label="安排金额")
    comment = forms.CharField(required=False, max_length=2000)
