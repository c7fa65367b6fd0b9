from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from sequences.models import Sequence

from .models import User

# Document-number sequences are changed only by check_sequences --fix, never by hand in a form:
# a sequence moved back would hand out numbers that already exist.
admin.site.unregister(Sequence)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's own user admin: users and their role groups are managed by Admins only."""

    list_display = ("username", "email", "first_name", "last_name", "roles", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Role")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())
