from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.admin_base import (
    OrderListMixin,
    ReadOnlyInline,
    ServiceAdmin,
    extend_admin,
    item_inline,
    read_only_inline,
    refusal_text,
)
from core.errors import DomainError
from core.numbering import is_number
from customers.order_admin import AggregateAdmin, CatalogPickForm
from customers.selectors import list_source_choices
from files.admin import file_inline

from . import services
from .models import (
    CheckIn,
    CheckInFile,
    CheckInItem,
    QuoteRequest,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderFile,
    WorkOrderItem,
)
from .selectors import with_display_annotations
from .stages import COMPLETE_PERMISSION, Stage


class OpenClosedFilter(admin.SimpleListFilter):
    title = "open / closed"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return (("yes", "Open"), ("no", "Completed"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(completed_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(completed_on__isnull=False)
        return queryset


class ShipToFilter(admin.SimpleListFilter):
    """The sources, from the shared cache: the list page does not query them every time."""

    title = "ship to"
    parameter_name = "ship_to"

    def lookups(self, request, model_admin):
        return list_source_choices()

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(ship_to_id=int(value)) if is_number(value) else queryset.none()


def approve_quotes(model_admin: ServiceAdmin, request, queryset) -> None:
    model_admin.run_per_object(
        request,
        queryset.filter(stage=Stage.AWAITING_QUOTE),
        lambda wo: services.approve_quote(work_order=wo, approved_by=request.user),
        "{count} quote(s) approved and queued.",
    )


class WorkOrderForm(CatalogPickForm):
    class Meta:
        model = WorkOrder
        fields = ("customer", *services.WORK_ORDER_FIELDS)


class WorkOrderEventInline(ReadOnlyInline):
    model = WorkOrderEvent
    fields = ("at", "from_stage", "to_stage", "actor", "note")
    readonly_fields = fields
    show_change_link = False
    verbose_name_plural = "History"


# The customer's page lists their work orders (customers cannot import this app).
extend_admin("customers.Customer", inlines=(read_only_inline(WorkOrder, ("number", "name", "stage", "date_in", "date_required", "completed_on")),))


@admin.register(WorkOrder)
class WorkOrderAdmin(OrderListMixin, AggregateAdmin):
    form = WorkOrderForm
    csv_columns = (
        ("number", "Number"), ("name", "Name"), ("customer.number", "Customer number"), ("customer.name", "Customer"),
        ("get_stage_display", "Stage"), ("get_quote_display", "Quote"), ("tier.label", "Tier"),
        ("date_in", "Date in"), ("date_required", "Date required"), ("completed_on", "Completed"),
        ("ship_to.name", "Ship to"), ("rack_number", "Rack"),
    )
    editable_fields = services.WORK_ORDER_FIELDS
    item_model, file_model = WorkOrderItem, WorkOrderFile
    list_display = (
        "number", "name", "customer", "stage", "tier_label", "is_cushion", "date_in", "date_required",
        "ship_to", "completed_on", "predicted_done",
    )
    list_filter = (OpenClosedFilter, "stage", "quote", "firm_rush", "rush", "is_cushion", "ship_to__is_sail_loft", ShipToFilter)
    search_fields = ("=number", "name", "=customer__number", "customer__name")
    list_select_related = ("customer", "ship_to")
    readonly_fields = (
        "number", "stage", "started_on", "cleaned_on", "treated_on", "packaged_on", "completed_on",
        "final_location", "repair_order_link", "version", "items_total", "predicted_done",
    )
    autocomplete_fields = ("customer", "ship_to")
    date_hierarchy = "date_in"
    fieldsets = (
        (None, {"fields": ("number", "customer", "name", "stage", "quote", "loaded_version")}),
        ("Priority", {"fields": (("firm_rush", "rush"), "is_cushion", "repairs_needed")}),
        ("Dates", {"fields": (("date_in", "date_required"), ("started_on", "cleaned_on", "treated_on"), ("packaged_on", "completed_on"), "predicted_done")}),
        ("Storage and return", {"fields": (("storage_time", "rack_number", "final_location"), ("return_to", "return_method", "ship_to"))}),
        ("Notes", {"fields": ("special_instructions", "repair_order_link", "repair_note")}),
        ("Items", {"fields": ("items_total", "add_from_catalog")}),
        ("Files", {"fields": ("add_files",)}),
    )
    inlines = (item_inline(WorkOrderItem), file_inline(WorkOrderFile), WorkOrderEventInline)
    actions = ("approve_quotes", "complete_orders", "export_csv")

    def get_queryset(self, request):
        return with_display_annotations(super().get_queryset(request))

    # predicted_completion is annotated by the completion model (mlmodels registers it).
    @admin.display(description="Predicted done", ordering="predicted_completion")
    def predicted_done(self, obj):
        # Open orders only: a completed order's last prediction is history, kept for accuracy.
        predicted = getattr(obj, "predicted_completion", None) if obj.is_open else None
        return date_format(predicted) if predicted else "—"

    @admin.display(description="Tier", ordering="firm_rush")
    def tier_label(self, obj):
        return obj.tier.label

    @admin.display(description="Repair order")
    def repair_order_link(self, obj):
        repair = getattr(obj, "repair_order", None)
        if repair is None:
            return "—"
        state = "open" if repair.is_open else "completed"
        return format_html('<a href="{}">RO {}</a> ({})', repair.get_absolute_url(), repair.number, state)

    def create(self, request, form, *, fields, items):
        return services.create_work_order(
            customer=form.cleaned_data["customer"], fields=fields, items=items, created_by=request.user
        )

    def update(self, request, form, *, fields, items):
        return services.update_work_order(
            work_order=form.instance, fields=fields, items=items,
            expected_version=self.expected_version(form), updated_by=request.user,
        )

    def attach(self, owner, *, upload, user):
        # ``upload`` is a StagedFile: the form's fields staged it before any lock (files.admin).
        return services.add_work_order_file(work_order=owner, staged=upload, uploaded_by=user)

    def detach(self, attachment):
        services.delete_work_order_file(attachment=attachment)

    def delete_with_service(self, request, obj):
        services.delete_work_order(work_order=obj)

    @admin.action(description="Approve quote (put into the cleaning queue)", permissions=["change"])
    def approve_quotes(self, request, queryset):
        approve_quotes(self, request, queryset)

    @admin.action(description="Mark completed (returned to the customer)", permissions=["complete"])
    def complete_orders(self, request, queryset):
        self.run_per_object(
            request,
            queryset,
            lambda wo: services.change_work_order_stage(work_order=wo, to_stage=Stage.COMPLETED, changed_by=request.user),
            "{count} work order(s) completed.",
        )

    def has_complete_permission(self, request):
        return request.user.has_perm(COMPLETE_PERMISSION)  # the stage-move rule: workorders.stages


@admin.register(QuoteRequest)
class QuoteRequestAdmin(ServiceAdmin):
    """Open work orders waiting for the customer's approval, newest first, with one-click answers."""

    list_display = ("number", "name", "customer", "quote", "date_in", "date_required", "answer")
    list_filter = ("quote", "firm_rush", "rush")
    search_fields = WorkOrderAdmin.search_fields
    list_select_related = ("customer",)
    ordering = ("-date_in", "-number")
    list_per_page = 100
    actions = ("approve_quotes",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(stage=Stage.AWAITING_QUOTE)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Edits happen on the work order's own page, through its services.
        return HttpResponseRedirect(reverse("admin:workorders_workorder_change", args=[object_id]))

    @admin.display(description="Answer")
    def answer(self, obj):
        # Buttons submit the changelist form (and its CSRF token) to our own URLs.
        return format_html(
            '<button type="submit" class="button" formaction="{}">Approve</button> '
            '<button type="submit" class="button" formaction="{}">Mark done</button>',
            reverse("admin:workorders_quoterequest_approve", args=[obj.pk]),
            reverse("admin:workorders_quoterequest_done", args=[obj.pk]),
        )

    def get_urls(self):
        answer = self.admin_site.admin_view(require_POST(self.answer_view))
        return [
            path("<int:pk>/approve/", answer, {"approve": True}, name="workorders_quoterequest_approve"),
            path("<int:pk>/done/", answer, {"approve": False}, name="workorders_quoterequest_done"),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk: int, approve: bool):
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = get_object_or_404(WorkOrder, pk=pk)
        try:
            if approve:
                services.approve_quote(work_order=order, approved_by=request.user)
                self.message_user(request, f"Work order {order.number} approved and queued.", messages.SUCCESS)
            else:
                services.mark_quote_done(work_order=order, marked_by=request.user)
                self.message_user(request, f"Quote for work order {order.number} marked done.", messages.SUCCESS)
        except (DomainError, ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:workorders_quoterequest_changelist"))

    @admin.action(description="Approve quotes (put into the cleaning queue)", permissions=["change"])
    def approve_quotes(self, request, queryset):
        approve_quotes(self, request, queryset)


class CheckInForm(CatalogPickForm):
    class Meta:
        model = CheckIn
        fields = ("customer", *services.CHECK_IN_FIELDS)


class PendingFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        pending = model_admin.get_queryset(request).filter(status=CheckIn.Status.PENDING).count()
        return (("pending", f"Pending ({pending})"), ("processed", "Processed"))

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(CheckIn)
class CheckInAdmin(AggregateAdmin):
    form = CheckInForm
    editable_fields = services.CHECK_IN_FIELDS
    item_model, file_model = CheckInItem, CheckInFile
    list_display = ("pk", "customer", "date_in", "date_required", "rush", "status", "work_order")
    list_filter = (PendingFilter, "rush", "date_in")
    search_fields = ("=pk", "customer__name", "=customer__number", "=work_order__number")
    list_select_related = ("customer", "work_order")
    readonly_fields = ("status", "work_order", "items_total")
    autocomplete_fields = ("customer",)
    fieldsets = (
        (None, {"fields": ("customer", "status", "work_order", "loaded_version")}),
        ("Dates", {"fields": (("date_in", "date_required"), "rush", "repairs_needed")}),
        ("Storage and return", {"fields": (("storage_time", "rack_number", "return_to"),)}),
        ("Notes", {"fields": ("special_instructions",)}),
        ("Items", {"fields": ("items_total", "add_from_catalog")}),
        ("Files", {"fields": ("add_files",)}),
    )
    inlines = (item_inline(CheckInItem), file_inline(CheckInFile))
    actions = ("convert_to_work_orders",)

    def changelist_view(self, request, extra_context=None):
        pending = CheckIn.objects.filter(status=CheckIn.Status.PENDING).count()
        title = f"Check-ins — {pending} pending" if pending else "Check-ins — none pending"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def has_change_permission(self, request, obj=None):
        # A processed check-in is a record of what came in: view only.
        if obj is not None and obj.status == CheckIn.Status.PROCESSED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == CheckIn.Status.PROCESSED:
            return False
        return super().has_delete_permission(request, obj)

    def create(self, request, form, *, fields, items):
        return services.create_check_in(
            customer=form.cleaned_data["customer"], fields=fields, items=items, created_by=request.user
        )

    def update(self, request, form, *, fields, items):
        return services.update_check_in(
            check_in=form.instance, fields=fields, items=items,
            expected_version=self.expected_version(form), updated_by=request.user,
        )

    def attach(self, owner, *, upload, user):
        # ``upload`` is a StagedFile: the form's fields staged it before any lock (files.admin).
        return services.add_check_in_file(check_in=owner, staged=upload, uploaded_by=user)

    def detach(self, attachment):
        services.delete_check_in_file(attachment=attachment)

    def delete_with_service(self, request, obj):
        services.delete_check_in(check_in=obj)

    @admin.action(description="Convert to work order", permissions=["add"])
    def convert_to_work_orders(self, request, queryset):
        self.run_per_object(
            request,
            queryset,
            lambda check_in: services.convert_check_in(check_in=check_in, converted_by=request.user),
            "{count} check-in(s) converted into work orders.",
        )
