from django import forms

from core.forms import CleanForm
from core.models import Organisation
from projects.models import AnnualPlanItem, Project

from .models import ProgressReturn


class NoteForm(CleanForm):
    """The office's dispatch note: to a department of its jurisdiction, on a project, a return
    or a task of that department (the service checks the pairing)."""

    department = forms.ModelChoiceField(
        Organisation.objects.none(),
        error_messages={"required": "请选择督办单位", "invalid_choice": "督办单位无效"},
    )
    project = forms.ModelChoiceField(
        Project.objects.none(), required=False, error_messages={"invalid_choice": "项目无效"}
    )
    ret = forms.ModelChoiceField(
        ProgressReturn.objects.none(), required=False, error_messages={"invalid_choice": "月报无效"}
    )
    plan_item = forms.ModelChoiceField(
        AnnualPlanItem.objects.none(),
        required=False,
        error_messages={"invalid_choice": "年度任务无效"},
    )
    instruction = forms.CharField(
        widget=forms.Textarea, error_messages={"required": "调度意见须填写内容"}
    )
    deadline = forms.DateField(
        error_messages={"required": "请填写办理期限", "invalid": "办理期限格式应为 年-月-日"}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        j = user.jurisdiction_id
        self.fields["department"].queryset = Organisation.objects.filter(
            jurisdiction_id=j, kind="department"
        )
        self.fields["project"].queryset = Project.objects.filter(jurisdiction_id=j)
        self.fields["ret"].queryset = ProgressReturn.objects.filter(jurisdiction_id=j)
        self.fields["plan_item"].queryset = AnnualPlanItem.objects.filter(plan__jurisdiction_id=j)
