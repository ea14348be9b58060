from django.contrib import admin

from .models import AcceptanceRound, AuditEntry, RectificationItem


@admin.register(AcceptanceRound)
class AcceptanceRoundAdmin(admin.ModelAdmin):
    list_display = ["project", "number", "decision", "requested_at", "decided_at"]
    readonly_fields = [f.name for f in AcceptanceRound._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["year", "project", "status", "accepted_on"]
    list_filter = ["year", "status"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RectificationItem)
class RectificationItemAdmin(admin.ModelAdmin):
    list_display = ["pk", "department", "source", "deadline", "status"]
    list_filter = ["source", "status"]
    readonly_fields = [f.name for f in RectificationItem._meta.fields]

    def has_add_permission(self, request):
        return False
