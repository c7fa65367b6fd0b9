from django.contrib import admin

from .models import CleaningReminder, ReminderOptOut


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log: rows are written by insights.services only, never from a form."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CleaningReminder)
class CleaningReminderAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "customer", "email", "status", "sent_at", "last_completed_on", "error")
    list_filter = ("status", "created_at")
    search_fields = ("email", "customer__name", "=customer__number", "message_id")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(ReadOnlyAdmin):
    list_display = ("customer", "unsubscribed_at")
    search_fields = ("customer__name", "=customer__number", "customer__email")
    list_select_related = ("customer",)
    date_hierarchy = "unsubscribed_at"
