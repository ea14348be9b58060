import django_filters
from django.db.models import Q

from core.forms import CleanForm
from core.models import Organisation

from .models import PROTECTION_LEVELS, Project
from .workflow import State

SORT_CHOICES = [
    ("updated", "更新时间（旧→新）"),
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("department", "申报单位"),
    ("-total", "总投资（高→低）"),
    ("total", "总投资（低→高）"),
    ("status", "状态"),
    ("-year", "年度（新→旧）"),
    ("year", "年度（旧→新）"),
]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by the chosen column, then by id, so pagination never repeats or skips rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "-pk") if value else qs


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_text")
    status = django_filters.MultipleChoiceFilter(label="状态", choices=State.choices)
    department = django_filters.ModelChoiceFilter(
        label="申报单位", queryset=Organisation.objects.none()
    )
    jurisdiction = django_filters.NumberFilter(label="行政区划", field_name="jurisdiction_id")
    year = django_filters.NumberFilter(label="年度", method="filter_year")
    category = django_filters.ChoiceFilter(
        label="类别", choices=Project.Category.choices, empty_label="全部"
    )
    channel = django_filters.ChoiceFilter(
        label="渠道", choices=Project.Channel.choices, empty_label="全部"
    )
    protection_level = django_filters.ChoiceFilter(
        label="等保级别", choices=PROTECTION_LEVELS, empty_label="全部"
    )
    awaiting_confirmation = django_filters.BooleanFilter(
        label="待负责人确认", method="filter_awaiting_confirmation"
    )
    sort = StableOrderingFilter(
        label="排序",
        empty_label="更新时间（新→旧）",
        fields=[
            ("updated_at", "updated"),
            ("code", "code"),
            ("name", "name"),
            ("department__name", "department"),
            ("total_investment", "total"),
            ("status", "status"),
            ("start_year", "year"),
        ],
        field_labels={
            "updated": "更新时间",
            "code": "项目编号",
            "name": "项目名称",
            "department": "申报单位",
            "total": "总投资",
            "status": "状态",
            "year": "年度",
        },
    )

    class Meta:
        model = Project
        fields = []
        form = CleanForm

    def __init__(self, *args, user=None, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = (
            Organisation.objects.none() if departments is None else departments
        )
        for name in ("category", "channel", "protection_level", "sort"):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.form.fields["sort"].choices = SORT_CHOICES

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(summary__icontains=value)
        )

    def filter_awaiting_confirmation(self, queryset, name, value):
        if value is None:
            return queryset
        editable = Q(status__in=[State.DRAFT, State.RETURNED], head_confirmed_at__isnull=True)
        return queryset.filter(editable) if value else queryset.exclude(editable)

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value).filter(
            Q(end_year__gte=value) | Q(end_year__isnull=True, start_year=value)
        )
