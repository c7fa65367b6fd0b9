"""What the order and check-in admins share: the customer's catalog as a pick list, the item
lines and the files, written by the owning app's create/update services in one call."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models

from core.admin_base import ServiceAdmin, VersionedForm, formset_items
from core.editing import validate_dates
from core.items import ITEM_FIELDS
from core.numbering import is_number
from files.admin import MultipleFileField, upload_help

from .models import CatalogItem


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


def current_item_rows(obj) -> list[dict[str, Any]]:
    """The lines an order has now, as item rows that keep their ids (not newly typed)."""
    return [{name: getattr(line, name) for name in ITEM_FIELDS} | {"id": line.pk} for line in obj.items.all()]


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
