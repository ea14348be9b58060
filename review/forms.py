from django import forms

from core.concurrency import VersionField
from core.forms import CleanForm, CleanModelForm
from core.models import Organisation, Role, User
from core.money import WanField

from .models import Decision, InformationSystem, Opinion, ReviewRound


class BootstrapForm(CleanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{css} form-control-sm")


class RoundForm(BootstrapForm):
    kind = forms.ChoiceField(label="类型", choices=ReviewRound.Kind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    batch = forms.IntegerField(label="批次", min_value=1, max_value=99, initial=1)
    opens_on = forms.DateField(
        label="申报窗口开始", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label="申报窗口截止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OpinionForm(BootstrapForm):
    conclusion = forms.ChoiceField(
        label="结论",
        choices=[("", "请选择结论")] + list(Opinion.Conclusion.choices),
        error_messages={"required": "请选择结论"},
    )
    text = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 4}))
    recommended_amount = WanField(label="建议金额")
    attachment = forms.FileField(label="附件", required=False)
    correction_reason = forms.CharField(
        label="更正理由（更正已签署意见时必填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = VersionField()


def score_form(criteria):
    """A form with one 0–100 field per weighted criterion."""
    fields = {
        code: forms.DecimalField(
            label=f"{name}（权重{weight:g}%）", min_value=0, max_value=100, decimal_places=2
        )
        for code, name, weight in criteria
    }
    fields["comment"] = forms.CharField(
        label="评审意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    return type("ScoreForm", (BootstrapForm,), fields)


class MeetingForm(BootstrapForm):
    title = forms.CharField(label="会议名称", max_length=100)
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label="地点", max_length=100, required=False)
    members = forms.ModelMultipleChoiceField(
        label="参会委员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, jurisdiction_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = User.objects.filter(
            roles__code=Role.COMMITTEE, organisation__jurisdiction_id=jurisdiction_id
        ).distinct()


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(label="决定", choices=Decision.choices)
    amount = WanField(label="核定投资（留空取申报金额与财评建议的较低者）")
    override_reason = forms.CharField(
        label="调整核定金额理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SystemForm(CleanModelForm):
    """One entry of the register; the owner is chosen among the jurisdiction's organisations."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = InformationSystem
        fields = [
            "name",
            "owner",
            "build_type",
            "protection_level",
            "crypto_assessment",
            "hosting",
            "network",
            "note",
        ]

    def __init__(self, *args, jurisdiction_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(jurisdiction_id=jurisdiction_id)
        self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )


class SystemImportForm(CleanForm):
    file = forms.FileField(label="Excel 工作簿（.xlsx）")
