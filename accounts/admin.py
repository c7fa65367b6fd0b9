from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Upper
from django.http import HttpResponseRedirect
from sequences.models import Sequence

from core.admin_base import become_saved_row, refusal_text

from . import services
from .models import User
from .roles import ROLES

# Document-number sequences are changed only by check_sequences --fix, never by hand in a form:
# a sequence moved back would hand out numbers that already exist.
admin.site.unregister(Sequence)

ROLE_CHOICES = [(role, role) for role in ROLES]


class UserRoleCreationForm(UserCreationForm):
    role = forms.ChoiceField(choices=ROLE_CHOICES)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserRoleChangeForm(UserChangeForm):
    """A role instead of the raw groups and permissions: the service keeps them in step."""

    role = forms.ChoiceField(choices=ROLE_CHOICES)

    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("username", "password", *services.USER_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = services.role_of(self.instance)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users and their role, written by accounts.services (Admins only). Passwords are changed
    with Django's own password form."""

    form = UserRoleChangeForm
    add_form = UserRoleCreationForm
    list_display = (
        "username", "email", "first_name", "last_name", "roles", "is_staff", "is_active", "last_login", "failed_logins",
    )
    list_filter = ("groups", "is_staff", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "role", "password1", "password2")}),)
    readonly_fields = ("is_staff", "last_login", "date_joined")
    actions = ("unlock_logins",)

    def get_queryset(self, request):
        # Failed logins counted in one subquery (django-axes rows, any spelling of the name).
        failures = (
            AccessAttempt.objects.annotate(name=Upper("username")).filter(name=Upper(OuterRef("username")))
            .values("name").annotate(total=Sum("failures_since_start")).values("total")
        )
        return super().get_queryset(request).prefetch_related("groups").annotate(
            failures=Coalesce(Subquery(failures, output_field=IntegerField()), 0)
        )

    @admin.display(description="Failed logins", ordering="failures")
    def failed_logins(self, obj):
        return obj.failures

    @admin.action(description="Unlock logins of the selected users", permissions=["change"])
    def unlock_logins(self, request, queryset):
        unlocked = [user.username for user in queryset.order_by("pk")
                    if services.unlock_logins(user=user, unlocked_by=request.user)]
        if unlocked:
            self.message_user(request, f"Unlocked: {', '.join(unlocked)}.", messages.SUCCESS)
        else:
            self.message_user(request, "None of the selected users had failed logins.", messages.INFO)

    @admin.display(description="Role")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def has_delete_permission(self, request, obj=None):
        return obj != request.user and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in services.USER_FIELDS}
            saved = services.update_user(user=obj, fields=fields, role=form.cleaned_data["role"], updated_by=request.user)
        else:
            saved = services.create_user(
                username=form.cleaned_data["username"], email=form.cleaned_data.get("email", ""),
                password=form.cleaned_data["password1"], role=form.cleaned_data["role"],
                check_password=False,  # the form has run the password validators already
            )
        become_saved_row(obj, saved)  # the admin goes on using obj (log entry, redirect)

    def save_related(self, request, form, formsets, change):
        """Groups are the role, set by the service: nothing else to save."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A refusal from the service (e.g. demoting yourself) rolls the save back: say why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
