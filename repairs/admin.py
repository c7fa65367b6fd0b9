from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError

from core.admin_base import OrderListMixin, extend_admin, item_inline, read_only_inline
from customers.order_admin import AggregateAdmin, CatalogPickForm
from files.admin import file_inline
from workorders.admin import OpenClosedFilter
from workorders.models import WorkOrder

from . import services
from .models import RepairOrder, RepairOrderFile, RepairOrderItem


class RepairOrderForm(CatalogPickForm):
    # The link is not a model-editable field: it changes only through services.link_repair.
    linked_work_order = forms.ModelChoiceField(
        queryset=WorkOrder.objects.all(),
        required=False,
        label="Work order",
        widget=AutocompleteSelect(RepairOrder._meta.get_field("work_order"), admin.site),
    )
    relink = forms.BooleanField(
        required=False, help_text="Move the link even if the repair order or work order is linked elsewhere."
    )

    class Meta:
        model = RepairOrder
        fields = ("customer", *services.REPAIR_ORDER_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["linked_work_order"].initial = self.instance.work_order_id

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("linked_work_order")
        if target and not cleaned.get("relink"):
            other = RepairOrder.objects.filter(work_order=target).exclude(pk=self.instance.pk).first()
            if other is not None:
                raise ValidationError(
                    {"linked_work_order": services.WORK_ORDER_TAKEN.format(
                        target=target.number, other=other.number, repair=self.instance.number or "new")}
                )
        return cleaned


# The customer's page lists their repair orders (customers cannot import this app).
extend_admin("customers.Customer", inlines=(read_only_inline(RepairOrder, ("number", "name", "item_type", "date_in", "date_required", "completed_on")),))


@admin.register(RepairOrder)
class RepairOrderAdmin(OrderListMixin, AggregateAdmin):
    form = RepairOrderForm
    csv_columns = (
        ("number", "Number"), ("name", "Name"), ("customer.number", "Customer number"), ("customer.name", "Customer"),
        ("item_type", "Item type"), ("repair_type", "Type of repair"), ("tier.label", "Tier"),
        ("date_in", "Date in"), ("date_required", "Date required"), ("completed_on", "Completed"),
        ("work_order.number", "Work order"), ("customer_price", "Customer price"),
    )
    editable_fields = services.REPAIR_ORDER_FIELDS
    item_model, file_model = RepairOrderItem, RepairOrderFile
    list_display = ("number", "name", "customer", "item_type", "tier_label", "date_in", "date_required", "work_order", "completed_on")
    list_filter = (OpenClosedFilter, "firm_rush", "rush", "quote", "needs_cleaning")
    search_fields = ("=number", "name", "=customer__number", "customer__name", "item_type", "repair_type")
    list_select_related = ("customer", "work_order")
    readonly_fields = ("number", "completed_on", "version", "items_total")
    autocomplete_fields = ("customer",)
    date_hierarchy = "date_in"
    fieldsets = (
        (None, {"fields": ("number", "customer", "name", "quote", "loaded_version")}),
        ("Cleaning work order", {"fields": (("linked_work_order", "relink"), "needs_cleaning", "link_note")}),
        ("Priority", {"fields": (("firm_rush", "rush"),)}),
        ("Dates", {"fields": (("date_in", "date_required"), ("sent_out_on", "returned_on"), "completed_on")}),
        ("Repair", {"fields": ("item_type", "repair_type", "repaired_by", "material_list", "customer_price")}),
        ("Storage and return", {"fields": (("storage_time", "rack_number", "location", "final_location"), ("return_to", "return_method"))}),
        ("Notes", {"fields": ("special_instructions",)}),
        ("Items", {"fields": ("items_total", "add_from_catalog")}),
        ("Files", {"fields": ("add_files",)}),
    )
    inlines = (item_inline(RepairOrderItem), file_inline(RepairOrderFile))
    actions = ("complete_orders", "export_csv")

    @admin.display(description="Tier", ordering="firm_rush")
    def tier_label(self, obj):
        return obj.tier.label

    def create(self, request, form, *, fields, items):
        return services.create_repair_order(
            customer=form.cleaned_data["customer"], fields=fields, items=items,
            work_order=form.cleaned_data.get("linked_work_order"), relink=form.cleaned_data.get("relink", False),
            created_by=request.user,
        )

    def update(self, request, form, *, fields, items):
        return services.update_repair_order(
            repair_order=form.instance, fields=fields, items=items,
            work_order=form.cleaned_data.get("linked_work_order"), relink=form.cleaned_data.get("relink", False),
            expected_version=self.expected_version(form), updated_by=request.user,
        )

    def attach(self, owner, *, upload, user):
        # ``upload`` is a StagedFile: the form's fields staged it before any lock (files.admin).
        return services.add_repair_order_file(repair_order=owner, staged=upload, uploaded_by=user)

    def detach(self, attachment):
        services.delete_repair_order_file(attachment=attachment)

    def delete_with_service(self, request, obj):
        services.delete_repair_order(repair_order=obj)

    @admin.action(description="Mark completed", permissions=["complete"])
    def complete_orders(self, request, queryset):
        self.run_per_object(
            request,
            queryset,
            lambda ro: services.complete_repair_order(repair_order=ro, completed_by=request.user),
            "{count} repair order(s) completed.",
        )

    def has_complete_permission(self, request):
        return request.user.has_perm("repairs.complete_repairorder")
