from django import forms
from django.forms import formset_factory

from core.concurrency import VersionField
from core.forms import CleanForm, CleanModelForm
from core.money import WanField, to_wan

from .models import Attachment, CommonPlatform, DataResource, Project
from .services import MONEY_FIELDS

NO_SHARE_REASON_REQUIRED = "选择“不予共享”须填写理由（以共享为原则、不共享为例外）"
YEAR_ERRORS = {"min_value": "年度不能早于2000年", "max_value": "年度不能晚于2100年"}


def _blank_choice(field, label="请选择"):
    field.choices = [("", label)] + [c for c in field.choices if c[0] not in ("", None)]


class ProjectForm(CleanModelForm):
    """The proposal form. Only the name is required to save a draft; rules check the rest."""

    start_year = forms.IntegerField(
        label="建设起始年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages=YEAR_ERRORS,
    )
    end_year = forms.IntegerField(
        label="建设终止年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages=YEAR_ERRORS,
    )
    common_platforms = forms.ModelMultipleChoiceField(
        label="复用的共性支撑平台",
        queryset=CommonPlatform.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField(required=False)

    class Meta:
        model = Project
        fields = [
            "name",
            "category",
            "channel",
            "plan_item",
            "adhoc_justification",
            "start_year",
            "end_year",
            "summary",
            "protection_level",
            "classified",
            "deployment",
            "own_room_reason",
            "own_room_interface",
            "network",
            "builds_data_centre",
            "builds_cloud",
            "expands_cloud",
            "builds_internet_exit",
            "restricted_reason",
            "common_platforms",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "adhoc_justification": forms.Textarea(attrs={"rows": 2}),
            "own_room_reason": forms.Textarea(attrs={"rows": 2}),
            "own_room_interface": forms.Textarea(attrs={"rows": 2}),
            "restricted_reason": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"name": {"required": "请填写项目名称", "max_length": "项目名称最多120字"}}

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.initial["version"] = self.instance.version
        for name, label in Project.INVESTMENT_PARTS:
            self.fields[name] = WanField(label=label)
            if self.instance.pk:
                self.initial[name] = to_wan(getattr(self.instance, name))
        self.fields["plan_item"].queryset = (
            self.fields["plan_item"]
            .queryset.filter(plan__jurisdiction=jurisdiction)
            .select_related("plan")
        )
        self.fields["plan_item"].empty_label = "（不对应年度任务）"
        for name in ("category", "channel", "protection_level", "deployment", "network"):
            _blank_choice(self.fields[name])
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else ("form-select" if isinstance(widget, forms.Select) else "form-control")
            )
            widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "建设终止年度不能早于起始年度")
        plan_item = data.get("plan_item")
        if plan_item and start and not (start <= plan_item.plan.year <= (end or start)):
            self.add_error(
                "plan_item", f"所选任务属于{plan_item.plan.year}年度清单，与建设年度不符"
            )
        if data.get("channel") != Project.Channel.ADHOC:
            data["adhoc_justification"] = data.get("adhoc_justification", "")
        return data

    def restricted_fields(self):
        return [self[name] for name in Project.RESTRICTED_FIELDS]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {k: v for k, v in data.items() if k not in ("common_platforms", "version")}
        for name in MONEY_FIELDS:
            fields[name] = data[name]
        return fields


class DataResourceForm(CleanModelForm):
    class Meta:
        model = DataResource
        fields = ["name", "sharing_mode", "consumers", "no_share_reason"]
        widgets = {
            "no_share_reason": forms.TextInput(
                attrs={
                    "class": "form-control form-control-sm",
                    "placeholder": "不予共享时必填：理由及依据",
                }
            ),
            "name": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "sharing_mode": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "consumers": forms.TextInput(
                attrs={
                    "class": "form-control form-control-sm",
                    "placeholder": "如：市公安局、市人社局",
                }
            ),
        }
        error_messages = {
            "name": {"required": "请填写数据资源名称"},
            "sharing_mode": {"required": "请选择共享方式"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _blank_choice(self.fields["sharing_mode"])

    def clean(self):
        data = super().clean()
        if data.get("sharing_mode") == DataResource.SharingMode.NONE:
            if not (data.get("no_share_reason") or "").strip():
                self.add_error("no_share_reason", NO_SHARE_REASON_REQUIRED)
        else:
            data["no_share_reason"] = ""
        return data


# Rows by value, not by id: a save replaces the whole list, so a colleague's save in between
# cannot make this formset invalid; the draft's version check says what changed instead.
DataResourceFormSet = formset_factory(DataResourceForm, extra=1, can_delete=True, max_num=200)


def data_resource_initial(project) -> list[dict]:
    if project is None:
        return []
    return list(
        project.data_resources.values("name", "sharing_mode", "consumers", "no_share_reason")
    )


def data_resource_rows(formset) -> list[dict]:
    return [
        {k: f.cleaned_data[k] for k in ("name", "sharing_mode", "consumers", "no_share_reason")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class AttachmentForm(CleanForm):
    kind = forms.ChoiceField(
        label="材料类型",
        choices=[("", "请选择")] + Attachment.Kind.choices,
        error_messages={"required": "请选择材料类型"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label="文件",
        error_messages={"required": "请选择要上传的文件", "empty": "文件为空"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )


class ReasonForm(CleanForm):
    comment = forms.CharField(
        label="理由/说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class JustificationForm(CleanForm):
    text = forms.CharField(
        label="书面说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
