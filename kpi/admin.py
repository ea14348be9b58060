from django.contrib import admin

from .models import DispatchConfig


@admin.register(DispatchConfig)
class DispatchConfigAdmin(admin.ModelAdmin):
    """Per-jurisdiction settings of monthly dispatch; returns and notes change only through
    the services, so they are not edited here."""

    list_display = [
        "jurisdiction",
        "due_day",
        "close_after_days",
        "requires_head",
        "reminder_interval_hours",
        "escalate_after_days",
    ]
