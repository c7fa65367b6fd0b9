"""What every ModelAdmin of the shop shares: saving through services and stale-form checks.

The admin is the office's main editing UI, but it must not write models itself. ``ServiceAdmin``
turns the admin's save sequence (save_model, then save_related for the inlines) into one service
call per save that receives the form's fields and the inline rows together, so an order and its
items are written in one transaction with one version bump.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from .editing import stale_edit_message
from .errors import DomainError
from .items import ITEM_FIELDS


DELETED_MEANWHILE = "That record was deleted by someone else meanwhile; nothing was saved."


class VersionedForm(forms.ModelForm):
    """Carries the version the form was loaded with; a save over a newer version is refused.

    clean() gives the friendly field-level answer; the service repeats the check under the row
    lock, which is what makes it hold when two saves race.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_version"].required = True  # an edit must say what it was based on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = type(self.instance).objects.select_related("updated_by").get(pk=self.instance.pk)
            if current.version != loaded:
                raise ValidationError(stale_edit_message(current))
        return cleaned

    def editable_fields(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


def formset_items(formset: forms.BaseModelFormSet) -> list[dict[str, Any]] | None:
    """The item rows a formset submits, or None when the user did not touch them."""
    if not formset.has_changed():
        return None
    items = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue  # an empty extra row
        if formset._should_delete_form(form):
            continue
        row = {name: value for name, value in form.cleaned_data.items() if name in ITEM_FIELDS}
        if form.instance.pk:
            row["id"] = form.instance.pk  # already on the order: not a newly typed item
            row.setdefault("catalog_item", form.instance.catalog_item)  # the link is not a form field
        items.append(row)
    return items


# What apps higher up add to a lower app's admin page (tickets' print action on the orders, the
# orders on the customer's page), keyed by model label. Registering from the higher app keeps the
# imports pointing down: the customer admin never imports workorders.
_EXTRA_ACTIONS: dict[str, list[Callable]] = defaultdict(list)
_EXTRA_INLINES: dict[str, list[type[admin.options.InlineModelAdmin]]] = defaultdict(list)


def extend_admin(model_label: str, *, actions: tuple[Callable, ...] = (), inlines: tuple[type, ...] = ()) -> None:
    """Add admin actions or inlines to the ``ServiceAdmin`` of ``model_label`` ("app.Model").

    Call from the higher app's ``admin`` module (loaded by admin autodiscovery); the page picks
    them up on its next request.
    """
    _EXTRA_ACTIONS[model_label].extend(action for action in actions if action not in _EXTRA_ACTIONS[model_label])
    _EXTRA_INLINES[model_label].extend(inline for inline in inlines if inline not in _EXTRA_INLINES[model_label])


class ServiceAdmin(admin.ModelAdmin):
    list_per_page = settings.ADMIN_LIST_PER_PAGE
    show_full_result_count = False  # one COUNT(*) less on every list page

    def get_inlines(self, request, obj):
        return (*super().get_inlines(request, obj), *_EXTRA_INLINES[self.opts.label])

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is not None and IS_POPUP_VAR not in request.GET:  # as Django decides
            for function in _EXTRA_ACTIONS[self.opts.label]:
                needed = getattr(function, "allowed_permissions", ())
                if all(getattr(self, f"has_{permission}_permission")(request) for permission in needed):
                    function, name, description = self.get_action(function)
                    actions[name] = (function, name, description)
        return actions

    def save_with_service(self, request: HttpRequest, form, formsets, change: bool) -> models.Model:
        """Write the object (and its inlines) through the app's services; return the saved row."""
        raise NotImplementedError

    def delete_with_service(self, request: HttpRequest, obj: models.Model) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related writes the object and its inlines in one service call."""

    def save_related(self, request, form, formsets, change):
        saved = self.save_with_service(request, form, formsets, change)
        # The admin goes on using form.instance (log entry, message, redirect): make it the row.
        form.instance.__dict__.update(saved.__dict__)
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.order_by("pk"):
            self.delete_with_service(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A refusal raised under the lock (a race the form's clean() could not see) rolls the
        # admin's transaction back; show it as a message instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (DomainError, ValidationError, ProtectedError) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except ObjectDoesNotExist:
            self.message_user(request, DELETED_MEANWHILE, messages.ERROR)
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def delete_view(self, request, object_id, extra_context=None):
        # Something may start referring to the row between Django's check and the delete.
        try:
            return super().delete_view(request, object_id, extra_context)
        except (DomainError, ProtectedError) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def run_per_object(self, request, queryset, service, success: str) -> None:
        """Admin action body: one service call (one transaction) per object, refusals collected."""
        done, refused = 0, []
        for obj in queryset.order_by("pk"):
            try:
                service(obj)
                done += 1
            except (DomainError, ValidationError, PermissionDenied) as error:
                refused.append(f"{obj}: {refusal_text(error)}")
        if done:
            self.message_user(request, success.format(count=done), messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed — " + " | ".join(refused), messages.WARNING)


NUMBER_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


class OrderListMixin:
    """Order lists: search by a number range such as ``100-200``, and export to CSV."""

    csv_columns: tuple[tuple[str, str], ...] = ()  # (dotted attribute, heading)

    def get_search_results(self, request, queryset, search_term):
        if match := NUMBER_RANGE.match(search_term):
            low, high = sorted(int(group) for group in match.groups())
            return queryset.filter(number__range=(low, high)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}s.csv"'
        writer = csv.writer(response)
        writer.writerow([heading for _, heading in self.csv_columns])
        related = [field for field in getattr(self, "list_select_related", ()) if isinstance(field, str)]
        for obj in queryset.select_related(*related).order_by("-number").iterator(chunk_size=2000):
            writer.writerow([_dotted(obj, attribute) for attribute, _ in self.csv_columns])
        return response


def _dotted(obj, attribute: str):
    for name in attribute.split("."):
        obj = getattr(obj, name, None) if obj is not None else None
        obj = obj() if callable(obj) else obj
    return "" if obj is None else obj


def refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, ProtectedError):
        return "It is still referred to by other records, so it cannot be deleted."
    return str(error)


ITEM_COLUMNS = ("description", "material", "colour", "condition", "size", "quantity", "price")


def item_inline(line_model: type[models.Model]) -> type[admin.TabularInline]:
    """The editable item lines of an order or check-in (one empty row to type into)."""
    return type(f"{line_model.__name__}Inline", (admin.TabularInline,), {"model": line_model, "fields": ITEM_COLUMNS, "extra": 1})


class ReadOnlyInline(admin.TabularInline):
    """A list of related rows shown on a page, each linking to its own page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
