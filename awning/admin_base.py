"""What every ModelAdmin of the shop shares: saving through services and stale-form checks.

The admin is the office's main editing UI, but it must not write models itself. ``ServiceAdmin``
turns the admin's save sequence (save_model, then save_related for the inlines) into one service
call per save that receives the form's fields and the inline rows together, so an order and its
items are written in one transaction with one version bump.
"""

import csv
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from .errors import DomainError
from .file_views import download_url
from .services import ITEM_FIELDS, is_number, stale_edit_message, validate_dates
from .storage import is_staged
from .uploads import check_upload


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (a phone's photos); each is checked as an upload, so a bad
    one is a form error naming it and nothing is saved."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        errors = []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def upload_help() -> str:
    return f"Photos, PDF, Word, Excel, text or CSV, up to {settings.UPLOAD_MAX_BYTES / 2**20:g} MB each; pick several at once."


class CatalogPickForm(VersionedForm):
    """Order and check-in forms: the customer's catalog as a pick list (items already on the
    order left out) and files to attach, several at once.

    The list appears once the customer is known: on a saved order, or on an add page opened from
    the customer's page (``?customer=<id>``).
    """

    add_from_catalog = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Add from the customer's catalog"
    )
    add_files = MultipleFileField(required=False, label="Attach files")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add_files"].help_text = upload_help()
        from customers.models import CatalogItem

        customer = self.instance.customer_id or self.initial.get("customer") or self.data.get("customer")
        catalog = CatalogItem.objects.none()
        if is_number(str(customer or "")):
            on_order = self.instance.items.values_list("catalog_item", flat=True) if self.instance.pk else []
            catalog = CatalogItem.objects.filter(customer=int(customer)).exclude(pk__in=[pk for pk in on_order if pk])
        self.fields["add_from_catalog"].queryset = catalog
        self.fields["add_from_catalog"].label_from_instance = catalog_label

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        validate_dates(date_in=cleaned.get("date_in"), date_required=cleaned.get("date_required"))
        return cleaned


def catalog_label(item) -> str:
    price = f" · ${item.price}" if item.price is not None else ""
    return f"{item}{price}"


def catalog_pick_rows(picks) -> list[dict[str, Any]]:
    """Order lines for items picked from the catalog: their text copied, quantity 1."""
    return [
        {name: getattr(item, name) for name in ("description", "material", "condition", "colour", "size", "price")}
        | {"quantity": 1, "catalog_item": item}
        for item in picks
    ]


def current_item_rows(obj) -> list[dict[str, Any]]:
    """The lines an order has now, as item rows that keep their ids (not newly typed)."""
    names = ("description", "material", "condition", "colour", "size", "price", "quantity", "catalog_item")
    return [{name: getattr(line, name) for name in names} | {"id": line.pk} for line in obj.items.all()]


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


class ServiceAdmin(admin.ModelAdmin):
    list_per_page = settings.ADMIN_LIST_PER_PAGE
    show_full_result_count = False  # one COUNT(*) less on every list page

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


class AggregateAdmin(ServiceAdmin):
    """An order or check-in: header fields, an item inline and an attachment inline, written by
    the app's create/update services in one call. Subclasses name the services in the hooks."""

    editable_fields: tuple[str, ...] = ()
    item_model: type[models.Model]
    file_model: type[models.Model]

    def create(self, request, form, *, fields: dict, items: list[dict]) -> models.Model:
        raise NotImplementedError

    def update(self, request, form, *, fields: dict, items: list[dict] | None) -> models.Model:
        raise NotImplementedError

    def attach(self, owner: models.Model, *, upload, user) -> None:
        raise NotImplementedError

    def detach(self, attachment: models.Model) -> None:
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        # An order stays with the customer it was written for (its items fed that catalog).
        return (*self.readonly_fields, "customer") if obj else self.readonly_fields

    @admin.display(description="Items total")
    def items_total(self, obj):
        lines = list(obj.items.all()) if obj.pk else []
        priced = [line.quantity * line.price for line in lines if line.price is not None]
        total = f"${sum(priced):,.2f}" if priced else "—"
        return f"{total} for {sum(line.quantity for line in lines)} item(s)"

    def save_with_service(self, request, form, formsets, change):
        fields = form.editable_fields(self.editable_fields)
        items = formset_items(next(f for f in formsets if f.model is self.item_model))
        if picks := form.cleaned_data.get("add_from_catalog"):
            if items is None:
                items = current_item_rows(form.instance) if change else []
            items = [*items, *catalog_pick_rows(picks)]
        if change:
            saved = self.update(request, form, fields=fields, items=items)
        else:
            saved = self.create(request, form, fields=fields, items=items or [])
        for formset in formsets:
            if formset.model is self.file_model:
                _save_attachments(formset, admin=self, owner=saved, user=request.user)
        for upload in form.cleaned_data.get("add_files") or ():
            self.attach(saved, upload=upload, user=request.user)
        return saved

    @staticmethod
    def expected_version(form) -> int | None:
        return form.cleaned_data.get("loaded_version")


def _save_attachments(formset, *, admin: AggregateAdmin, owner, user) -> None:
    """New uploads go through ``attach``, ticked deletions through ``detach``."""
    for form in formset.forms:
        if form.instance.pk and formset._should_delete_form(form):
            admin.detach(form.instance)
        elif not form.instance.pk and form.cleaned_data.get("file"):
            admin.attach(owner, upload=form.cleaned_data["file"], user=user)


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


class AttachmentInlineForm(forms.ModelForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and not self.instance.pk:  # a stored file is not re-checked
            check_upload(upload)
        return upload


class AttachmentInline(admin.TabularInline):
    """Attachments: upload new ones, tick to delete; the stored file is a link through our
    download view (never a public storage URL), with its thumbnail once it has one."""

    form = AttachmentInlineForm
    fields = ("file", "stored", "original_name", "size_bytes", "uploaded_at")
    readonly_fields = ("stored", "original_name", "size_bytes", "uploaded_at")
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    extra = 0

    @admin.display(description="Stored file")
    def stored(self, obj):
        if not obj.pk:
            return "—"
        link = download_url(obj)
        if obj.thumbnail:
            return format_html('<a href="{}"><img src="{}" alt="{}" width="100" height="100"></a>',
                               link, download_url(obj, thumbnail=True), obj.original_name)
        note = " (being processed)" if is_staged(obj.file.name) else ""
        return format_html('<a href="{}">Download</a>{}', link, note)


def file_inline(file_model: type[models.Model]) -> type[admin.TabularInline]:
    return type(f"{file_model.__name__}Inline", (AttachmentInline,), {"model": file_model})


class ReadOnlyInline(admin.TabularInline):
    """A list of related rows shown on a page, each linking to its own page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
