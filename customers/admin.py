from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join

from core.admin_base import ServiceAdmin, VersionedForm, record_saved

from . import services
from .models import CatalogItem, Customer, Source


class SourceForm(forms.ModelForm):  # sources carry no version
    class Meta:
        model = Source
        fields = services.SOURCE_FIELDS


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    form = SourceForm
    list_display = ("name", "city", "state", "phone", "email", "is_sail_loft", "is_placeholder")
    list_filter = ("is_sail_loft", "is_placeholder", "state")
    search_fields = ("name", "city")

    def save_with_service(self, request, form, formsets, change):
        fields = {name: form.cleaned_data[name] for name in services.SOURCE_FIELDS}
        if change:
            return services.update_source(source=form.instance, fields=fields)
        return services.create_source(fields=fields)

    def delete_with_service(self, request, obj):
        services.delete_source(source=obj)


class CustomerForm(VersionedForm):
    class Meta:
        model = Customer
        fields = services.CUSTOMER_FIELDS


class CatalogRowForm(forms.ModelForm):
    """Carries the values the user saw (hidden initials), so "changed" means changed by them and
    a quantity raised meanwhile by an order is not written back."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True


class CatalogItemInline(admin.TabularInline):
    model = CatalogItem
    form = CatalogRowForm
    fields = ("description", "material", "colour", "condition", "size", "price", "quantity")
    extra = 0
    verbose_name_plural = "Catalog (items on file)"


@admin.register(Customer)
class CustomerAdmin(ServiceAdmin):
    form = CustomerForm
    list_display = ("number", "name", "contact", "city", "primary_phone", "email", "source")
    list_filter = ("source__is_sail_loft", "state")
    search_fields = ("=number", "name", "contact", "email", "city")
    list_select_related = ("source",)
    readonly_fields = ("number", "shortcuts")
    autocomplete_fields = ("source",)
    fieldsets = (
        (None, {"fields": ("number", "shortcuts", "name", "contact", "source", "previous_source", "loaded_version")}),
        ("Contact", {"fields": ("email", ("cell_phone", "home_phone", "work_phone"))}),
        ("Address", {"fields": ("address", "address2", ("city", "state", "zip_code"))}),
        (
            "Mailing address (when different)",
            {"classes": ("collapse",), "fields": ("mail_address", ("mail_city", "mail_state", "mail_zip"))},
        ),
    )
    # The orders app and the repairs app add their read-only order lists (core.admin_base.extend_admin).
    inlines = (CatalogItemInline,)

    @admin.display(description="New for this customer")
    def shortcuts(self, obj):
        if not obj.pk:
            return "—"
        links = [
            (reverse("admin:workorders_checkin_add"), "Check in"),
            (reverse("admin:workorders_workorder_add"), "Work order"),
            (reverse("admin:repairs_repairorder_add"), "Repair order"),
        ]
        return format_html_join(" ", '<a class="button" href="{}?customer={}">{}</a>',
                                ((url, obj.pk, label) for url, label in links))

    def save_with_service(self, request, form, formsets, change):
        fields = form.editable_fields(services.CUSTOMER_FIELDS)
        if change:
            return services.update_customer(
                customer=form.instance,
                fields=fields,
                expected_version=form.cleaned_data.get("loaded_version"),
                updated_by=request.user,
            )
        return services.create_customer(fields=fields, created_by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CatalogItem:
            return super().save_formset(request, form, formset, change)
        # Catalog rows have their own services (and no version): one call per row touched.
        customer, deleted = form.instance, formset.deleted_forms
        new, changed, removed = [], [], []
        for row in formset.forms:
            item = row.instance
            if item.pk and row in deleted:
                services.delete_catalog_item(item=item)
                removed.append(item)
            elif item.pk and row.has_changed():
                fields = _catalog_fields(row, only_changed=True)
                changed.append((services.update_catalog_item(item=item, fields=fields), row.changed_data))
            elif not item.pk and row.has_changed() and row not in deleted:
                new.append(services.create_catalog_item(customer=customer, fields=_catalog_fields(row)))
        record_saved(formset, new=new, changed=changed, deleted=removed)

    def delete_with_service(self, request, obj):
        services.delete_customer(customer=obj)


def _catalog_fields(form, *, only_changed: bool = False) -> dict:
    # Only what the user changed: a quantity raised by an order since the page was loaded must
    # not be written back from the stale form (catalog rows carry no version).
    names = form.changed_data if only_changed else services.CATALOG_FIELDS
    return {name: form.cleaned_data[name] for name in names if name in services.CATALOG_FIELDS}


class CatalogItemForm(forms.ModelForm):
    class Meta:
        model = CatalogItem
        fields = ("customer", *services.CATALOG_FIELDS)


@admin.register(CatalogItem)
class CatalogItemAdmin(ServiceAdmin):
    form = CatalogItemForm
    list_display = ("description", "customer", "material", "colour", "condition", "size", "quantity", "price")
    list_filter = ("created_at",)
    search_fields = ("description", "customer__name", "=customer__number", "material")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)

    def get_readonly_fields(self, request, obj=None):
        return ("customer",) if obj else ()

    def save_with_service(self, request, form, formsets, change):
        if change:
            return services.update_catalog_item(item=form.instance, fields=_catalog_fields(form, only_changed=True))
        fields = _catalog_fields(form)
        return services.create_catalog_item(customer=form.cleaned_data["customer"], fields=fields)

    def delete_with_service(self, request, obj):
        services.delete_catalog_item(item=obj)
