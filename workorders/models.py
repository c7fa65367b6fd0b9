from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.choices import QuoteStatus, ReturnTo, StorageTime
from core.models import ItemDescription, Order, VersionedModel, positive
from customers.models import CatalogItem, Customer, Source
from files.models import Attachment
from files.registry import final_name

from .stages import Stage


class WorkOrder(Order):
    """A cleaning job: goods that came in, what to do with them, and where they are now."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="work_orders")
    ship_to = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        help_text="Where the goods go back; defaults to the customer's source.",
    )
    stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.AWAITING_QUOTE, editable=False
    )
    quote = models.CharField(max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.NEEDED, blank=True)
    is_cushion = models.BooleanField(default=False)
    repairs_needed = models.BooleanField(default=False)

    started_on = models.DateField(null=True, blank=True, editable=False)
    cleaned_on = models.DateField(null=True, blank=True, editable=False)
    treated_on = models.DateField(null=True, blank=True, editable=False)
    packaged_on = models.DateField(null=True, blank=True, editable=False)
    final_location = models.CharField(max_length=100, blank=True, editable=False)
    repair_note = models.CharField(
        max_length=255, blank=True, help_text="Free-text remark about repairs (legacy 'see repair')."
    )

    class Meta(Order.Meta):
        indexes = [
            models.Index(fields=("stage", "date_in"), name="wo_stage_date_in"),
            models.Index(fields=("-date_in", "-number"), name="wo_date_in_desc"),
            models.Index(fields=("date_required",), name="wo_date_required"),
            models.Index(fields=("completed_on",), name="wo_completed_on"),
            models.Index(
                fields=("date_required", "date_in"), condition=Q(completed_on__isnull=True), name="wo_open"
            ),
        ]
        constraints = [
            positive("number", "work_order_number_positive"),
            # The stage and its dates never disagree: a completed order has a completion date,
            # an open one has none; a packaged order says where it was put.
            models.CheckConstraint(
                condition=Q(stage=Stage.COMPLETED, completed_on__isnull=False)
                | (~Q(stage=Stage.COMPLETED) & Q(completed_on__isnull=True)),
                name="work_order_completed_has_date",
            ),
            # Only approved quotes enter the queue; an unapproved order waits for its quote.
            models.CheckConstraint(
                condition=~Q(stage=Stage.QUEUED) | Q(quote=QuoteStatus.APPROVED),
                name="work_order_queued_is_approved",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.AWAITING_QUOTE) | ~Q(quote=QuoteStatus.APPROVED),
                name="work_order_awaiting_is_not_approved",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.PACKAGED) | ~Q(final_location=""),
                name="work_order_packaged_has_location",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.TREATED) | Q(treated_on__isnull=False),
                name="work_order_treated_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.CLEANED) | Q(cleaned_on__isnull=False),
                name="work_order_cleaned_has_date",
            ),
        ]
        permissions = (
            ("complete_workorder", "Can complete work orders"),
            ("advance_workorder", "Can move work orders through the cleaning stages"),
        )

    def __str__(self) -> str:
        return f"WO {self.number} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:workorders_workorder_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.COMPLETED

    @property
    def is_sail_order(self) -> bool:
        return bool(self.ship_to_id) and self.ship_to.is_sail_loft


class QuoteRequest(WorkOrder):
    """Open work orders awaiting quote approval: the office's to-do list (a view, no table)."""

    class Meta:
        proxy = True
        verbose_name = "quote awaiting approval"
        verbose_name_plural = "quotes awaiting approval"


class WorkOrderItem(ItemDescription):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="items")
    catalog_item = models.ForeignKey(
        CatalogItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="work_order_items"
    )
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    # Area of one item parsed from ``size`` when the line is written (core.sizes), so analytics
    # can sum square feet in SQL; empty for sails, junk and implausible sizes.
    square_feet = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True, editable=False)

    class Meta:
        ordering = ("pk",)
        constraints = [positive("quantity", "work_order_item_quantity_positive")]


class WorkOrderEvent(models.Model):
    """One row per stage transition (and the creation): who moved the order, when, from where."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STAGE = "stage", "Stage changed"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"


def work_order_upload_to(instance: "WorkOrderFile", filename: str) -> str:
    return final_name(instance, filename)


class WorkOrderFile(Attachment):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=work_order_upload_to, max_length=500)


class CheckIn(VersionedModel):
    """A counter intake ticket: goods dropped off, later converted into a work order once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="check_ins")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, editable=False)
    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="check_in"
    )
    date_in = models.DateField(default=timezone.localdate)
    date_required = models.DateField(null=True, blank=True)
    rush = models.BooleanField(default=False)
    repairs_needed = models.BooleanField(default=False)
    storage_time = models.CharField(max_length=10, choices=StorageTime.choices, blank=True)
    rack_number = models.CharField(max_length=100, blank=True)
    return_to = models.CharField(max_length=10, choices=ReturnTo.choices, blank=True)
    special_instructions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # The legacy checkinid: what a repeated legacy import matches on. Empty for check-ins made here.
    legacy_id = models.PositiveIntegerField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-date_in", "-pk")
        verbose_name = "check-in"
        indexes = [models.Index(fields=("status", "-date_in"), name="checkin_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="processed") | Q(work_order__isnull=True),
                name="check_in_pending_has_no_work_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk} · {self.customer.name}"


class CheckInItem(ItemDescription):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="items")
    # Set when the item was picked from the customer's catalog; empty for a newly typed item.
    catalog_item = models.ForeignKey(
        CatalogItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_in_items"
    )
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ("pk",)
        verbose_name = "check-in item"
        constraints = [positive("quantity", "check_in_item_quantity_positive")]


def check_in_upload_to(instance: "CheckInFile", filename: str) -> str:
    return final_name(instance, filename)


class CheckInFile(Attachment):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=check_in_upload_to, max_length=500)

    class Meta(Attachment.Meta):
        verbose_name = "check-in file"
