from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, Jurisdiction, Organisation, Role, User


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "require_head_confirmation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "kind", "review_function", "head_name", "cdo_name"]
    list_filter = ["jurisdiction", "kind", "review_function"]
    search_fields = ["name", "code"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "organisation", "is_active"]
    list_filter = ["roles", "organisation__jurisdiction", "is_active"]
    search_fields = ["username", "full_name", "organisation__name"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("单位与角色", {"fields": ["full_name", "organisation", "roles", "phone"]}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit chain is append-only."""

    list_display = [
        "created_at",
        "chain",
        "seq",
        "actor_name",
        "action_label",
        "project",
        "to_state",
    ]
    list_filter = ["chain", "action"]
    ordering = ["-created_at", "-id"]
    search_fields = ["comment", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
