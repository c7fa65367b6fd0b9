from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.choices import QuoteStatus
from core.models import ItemDescription, Order, positive
from customers.models import CatalogItem, Customer
from files.models import Attachment
from files.registry import final_name
from workorders.models import WorkOrder


class RepairOrder(Order):
    """A repair job, often sent out to a sail loft; never touches the customer's catalog."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="repair_orders")
    # The legacy soft link seerepair/seeclean, made real: at most one work order per repair order
    # and one repair order per work order. Change it only through repairs.services.link_repair.
    work_order = models.OneToOneField(
        WorkOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="repair_order",
    )
    link_note = models.CharField(
        max_length=255, blank=True, help_text="Free-text remark such as “can't be cleaned” (legacy 'see clean')."
    )
    quote = models.CharField(max_length=10, choices=QuoteStatus.choices, blank=True)
    needs_cleaning = models.BooleanField(default=False, help_text="Clean before or after the repair.")

    sent_out_on = models.DateField(null=True, blank=True, help_text="Sent to a subcontractor or loft.")
    returned_on = models.DateField(null=True, blank=True, help_text="Came back from the subcontractor.")

    item_type = models.CharField(max_length=200, blank=True)
    repair_type = models.CharField(max_length=255, blank=True)
    repaired_by = models.CharField(max_length=200, blank=True)
    material_list = models.TextField(blank=True)
    customer_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    location = models.CharField(max_length=200, blank=True)
    final_location = models.CharField(max_length=200, blank=True)

    class Meta(Order.Meta):
        indexes = [
            models.Index(fields=("-date_in", "-number"), name="ro_date_in_desc"),
            models.Index(fields=("date_required",), name="ro_date_required"),
            models.Index(fields=("completed_on",), name="ro_completed_on"),
            models.Index(fields=("date_required", "date_in"), condition=Q(completed_on__isnull=True), name="ro_open"),
        ]
        constraints = [positive("number", "repair_order_number_positive")]
        permissions = (("complete_repairorder", "Can complete repair orders"),)

    def __str__(self) -> str:
        return f"RO {self.number} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:repairs_repairorder_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.completed_on is None


class RepairOrderItem(ItemDescription):
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="items")
    catalog_item = models.ForeignKey(
        CatalogItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="repair_order_items"
    )
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ("pk",)
        constraints = [positive("quantity", "repair_order_item_quantity_positive")]


def repair_order_upload_to(instance: "RepairOrderFile", filename: str) -> str:
    return final_name(instance, filename)


class RepairOrderFile(Attachment):
    repair_order = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=repair_order_upload_to, max_length=500)
