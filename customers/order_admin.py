"""What the order and check-in admins share: the customer's catalog as a pick list, the item
lines written with the order by the owning app's create/update service in one call, and the
files, each added or deleted through the app's attach/detach services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import override as translation_override

from core.admin_base import ServiceAdmin, SubmittedItems, VersionedForm, record_saved, submitted_items
from core.editing import validate_dates
from core.items import ITEM_FIELDS
from core.numbering import is_number
from files.admin import MultipleFileField, upload_help

from .models import CatalogItem

ADDING_FIELDS = ("add_from_catalog", "add_files")


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
        self.attached: list[models.Model] = []  # the attachments made from add_files, for the History
        self.fields["add_files"].help_text = upload_help()
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
        {name: getattr(item, name) for name in ITEM_FIELDS if name not in ("quantity", "catalog_item")}
        | {"quantity": 1, "catalog_item": item}
        for item in picks
    ]


def current_items(obj) -> SubmittedItems:
    """The lines an order has now, as item rows that keep their ids (not newly typed), unedited."""
    kept = SubmittedItems()
    for line in obj.items.all():
        kept.add({name: getattr(line, name) for name in ITEM_FIELDS} | {"id": line.pk}, None)
    return kept


class AggregateAdmin(ServiceAdmin):
    """An order or check-in: header fields, an item inline and an attachment inline. Subclasses
    name the services in the hooks.

    save_model writes the header and the item lines in one create/update call; save_formset adds
    and deletes the inline's files (attach/detach), and save_related then attaches the files of
    the "Attach files" field. Every item line added, changed or deleted and every file added or
    deleted is named in the History entry of the save.
    """

    editable_fields: tuple[str, ...] = ()
    item_model: type[models.Model]
    file_model: type[models.Model]

    def create(self, request, form, *, fields: dict, items: list[dict]) -> models.Model:
        raise NotImplementedError

    def update(self, request, form, *, fields: dict, items: list[dict] | None) -> models.Model:
        raise NotImplementedError

    def attach(self, owner: models.Model, *, upload, user) -> models.Model:
        """Add ``upload`` (opaque here: whatever the file field and inline give) to ``owner``;
        return the attachment row written."""
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
        # No item inline when the user may not see items: then the lines stay as they are.
        item_formset = next((formset for formset in formsets if formset.model is self.item_model), None)
        items = submitted_items(item_formset) if item_formset is not None else None
        if picks := form.cleaned_data.get("add_from_catalog"):
            if items is None:
                items = current_items(form.instance) if change else SubmittedItems()
            for row in catalog_pick_rows(picks):
                items.add(row, [])
        fields = form.editable_fields(self.editable_fields)
        if change:
            saved = self.update(request, form, fields=fields, items=None if items is None else items.rows)
        else:
            saved = self.create(request, form, fields=fields, items=[] if items is None else items.rows)
        if item_formset is not None and items is None:
            record_saved(item_formset)  # the lines were left as they were
        elif item_formset is not None:
            items.record(item_formset, list(saved.items.all()))
        return saved

    def save_formset(self, request, form, formset, change):
        if formset.model is self.item_model:
            return  # written and recorded by save_model, with the order
        if formset.model is not self.file_model:
            return super().save_formset(request, form, formset, change)
        owner, deleted = form.instance, formset.deleted_forms
        added, removed = [], []
        for row in formset.forms:
            if row.instance.pk and row in deleted:
                self.detach(row.instance)
                removed.append(row.instance)
            elif not row.instance.pk and row.cleaned_data.get("file") and row not in deleted:
                added.append(self.attach(owner, upload=row.cleaned_data["file"], user=request.user))
        record_saved(formset, new=added, deleted=removed)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for upload in form.cleaned_data.get("add_files") or ():
            form.attached.append(self.attach(form.instance, upload=upload, user=request.user))

    def construct_change_message(self, request, form, formsets, add):
        """Django's entry, with the "Attach files" and catalog-pick fields left out of the changed
        fields (they change nothing on the order: the entry names the files and lines they
        added instead, and an empty several-files input always counts as changed)."""
        message = super().construct_change_message(request, form, formsets, add)
        with translation_override(None):  # stored untranslated, as Django stores its own entries
            pseudo = {str(form.fields[name].label) for name in ADDING_FIELDS}
            attached = [{"added": {"name": str(a._meta.verbose_name), "object": str(a)}} for a in form.attached]
        entries = []
        for entry in message:
            own = entry.get("changed")
            if own is not None and "name" not in own:  # the order's own fields, not an inline row
                own["fields"] = [label for label in own["fields"] if label not in pseudo]
                if not own["fields"]:
                    continue
            entries.append(entry)
        return [*entries, *attached]

    @staticmethod
    def expected_version(form) -> int | None:
        return form.cleaned_data.get("loaded_version")
