"""Forms of the acceptance pages (status is never a form field; services decide)."""

from django import forms

from core.concurrency import VersionField
from core.forms import CleanForm
from core.models import Organisation

from .models import (
    AcceptanceRound,
    AuditEntry,
    ChecklistDocument,
    InitialAcceptance,
    RectificationItem,
    SharingRecord,
)
from .services.rounds import Finding

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
TEXT = forms.TextInput(attrs={"class": "form-control form-control-sm"})
AREA = forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2})
FILE = forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"})


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        error_messages={"required": f"请填写{label}", "invalid": f"{label}格式不正确"},
    )


def _file(label, required=True):
    return forms.FileField(
        label=label, required=required, widget=FILE, error_messages={"required": f"请上传{label}"}
    )


class InitialAcceptanceForm(CleanForm):
    held_on = _date("初验日期")
    conclusion = forms.ChoiceField(
        label="初验结论", choices=InitialAcceptance.Conclusion.choices, widget=SELECT
    )
    participants = forms.CharField(
        label="参加单位及人员",
        widget=AREA,
        error_messages={"required": "请填写参加初验的单位及人员"},
    )
    remarks = forms.CharField(label="主要意见", widget=AREA, required=False)
    document = _file("初验报告")


class DocumentForm(CleanForm):
    kind = forms.ChoiceField(
        label="材料类型", choices=ChecklistDocument.Kind.choices, widget=SELECT
    )
    level = forms.TypedChoiceField(
        label="测评等级",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *[(i, f"第{i}级") for i in range(1, 5)]],
        widget=SELECT,
    )
    issuer = forms.CharField(label="测评（评估）机构", max_length=100, required=False, widget=TEXT)
    issued_on = _date("报告日期", required=False)
    conclusion = forms.ChoiceField(
        label="结论",
        choices=[("", "—"), *ChecklistDocument.Conclusion.choices],
        required=False,
        widget=SELECT,
    )
    document = _file("文件")


class SharingForm(CleanForm):
    status = forms.ChoiceField(
        label="共享情况", choices=SharingRecord.Status.choices, widget=SELECT
    )
    platform_code = forms.CharField(label="共享平台目录编码", max_length=60, required=False)
    justification = forms.CharField(label="未共享理由", required=False)


class RequestForm(CleanForm):
    final_progress = forms.IntegerField(
        label="最终形象进度（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "required": "请填写最终形象进度",
            "min_value": "进度须在 0 到 100 之间",
            "max_value": "进度须在 0 到 100 之间",
            "invalid": "进度须为整数",
        },
    )
    summary = forms.CharField(label="建设情况说明", widget=AREA, required=False)


class FindingSlots(CleanForm):
    """Up to ``SLOTS`` findings (description, deadline, owner), blank rows ignored."""

    SLOTS = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.SLOTS):
            self.fields[f"f_text_{i}"] = forms.CharField(label="问题", required=False, widget=TEXT)
            self.fields[f"f_deadline_{i}"] = _date("整改期限", required=False)
            self.fields[f"f_owner_{i}"] = forms.CharField(
                label="责任人", max_length=60, required=False, widget=TEXT
            )

    def findings(self) -> list[Finding]:
        data, rows = self.cleaned_data, []
        for i in range(self.SLOTS):
            text, deadline = data.get(f"f_text_{i}") or "", data.get(f"f_deadline_{i}")
            owner = data.get(f"f_owner_{i}") or ""
            if text.strip() or deadline or owner.strip():
                rows.append(Finding(text, deadline, owner))
        return rows

    def slots(self):
        return [
            (self[f"f_text_{i}"], self[f"f_deadline_{i}"], self[f"f_owner_{i}"])
            for i in range(self.SLOTS)
        ]


class DecisionForm(FindingSlots):
    decision = forms.ChoiceField(
        label="验收结论", choices=AcceptanceRound.Decision.choices, widget=SELECT
    )
    opinion = forms.CharField(
        label="验收意见",
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 4}),
        error_messages={"required": "请填写验收意见"},
    )


class AuditForm(FindingSlots):
    SLOTS = 3
    status = forms.ChoiceField(label="审计状态", choices=AuditEntry.Status.choices, widget=SELECT)
    findings_text = forms.CharField(label="审计发现", widget=AREA, required=False)
    note = forms.CharField(label="说明", widget=AREA, required=False)
    version = VersionField()


class ItemForm(CleanForm):
    department = forms.ModelChoiceField(
        label="责任单位", queryset=Organisation.objects.none(), widget=SELECT
    )
    source = forms.ChoiceField(
        label="问题来源",
        choices=[
            (RectificationItem.Source.INSPECTION, RectificationItem.Source.INSPECTION.label),
            (RectificationItem.Source.OFFICE, RectificationItem.Source.OFFICE.label),
        ],
        widget=SELECT,
    )
    description = forms.CharField(
        label="问题描述", widget=AREA, error_messages={"required": "请填写问题描述"}
    )
    deadline = _date("整改期限")
    owner = forms.CharField(label="整改责任人", max_length=60, widget=TEXT)

    def __init__(self, *args, jurisdiction_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organisation.objects.filter(
            jurisdiction_id=jurisdiction_id, kind="department"
        ).order_by("name")


class RespondForm(CleanForm):
    response = forms.CharField(
        label="整改情况", widget=AREA, error_messages={"required": "请填写整改情况"}
    )
    evidence = _file("整改佐证材料", required=False)
    version = VersionField()


class ReasonForm(CleanForm):
    reason = forms.CharField(label="理由", widget=AREA, required=False)
