from django.contrib import admin

from .models import AnnualPlan, AnnualPlanItem, CommonPlatform, Project


class AnnualPlanItemInline(admin.TabularInline):
    model = AnnualPlanItem
    extra = 1


@admin.register(AnnualPlan)
class AnnualPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "year"]
    inlines = [AnnualPlanItemInline]


@admin.register(CommonPlatform)
class CommonPlatformAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Read-only view for operators; projects change only through the services."""

    list_display = ["code", "name", "department", "status", "total_investment"]
    list_filter = ["jurisdiction", "status", "category"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
