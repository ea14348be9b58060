from django.contrib import admin

from .models import BudgetLine, Contract, Disbursement, Milestone, SpecialFund


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money moves only through the services (audited); the admin just reads."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpecialFund)
class SpecialFundAdmin(ReadOnlyAdmin):
    list_display = ["name", "jurisdiction", "year", "amount"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["project", "fund", "kind", "amount"]
    list_select_related = ["project", "fund"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["name", "project", "vendor", "method", "amount", "signed_on"]
    list_select_related = ["project"]
    inlines = [MilestoneInline]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "project", "milestone", "amount", "status", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["project", "milestone"]
