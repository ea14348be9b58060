from django.contrib import admin

from .models import (
    Criterion,
    Expert,
    Meeting,
    OpinionRequirement,
    Review,
    ReviewRound,
    ReviewSettings,
)


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "jurisdiction",
        "quorum_numerator",
        "quorum_denominator",
        "approval_rule",
        "trim_min_panel",
    ]


@admin.register(OpinionRequirement)
class OpinionRequirementAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "occasion", "function", "condition"]
    list_filter = ["jurisdiction", "occasion"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "occasion", "order", "code", "name", "weight"]
    list_filter = ["jurisdiction", "occasion"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "employer", "speciality", "active"]
    list_filter = ["jurisdiction", "active"]
    filter_horizontal = ["conflicts"]
    raw_id_fields = ["user"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "kind", "opens_on", "closes_on"]
    readonly_fields = ["created_by"]


# Reviews and meetings change only through the services; the admin only reads them.
@admin.register(Review, Meeting)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
