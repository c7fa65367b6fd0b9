from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from core.models import ItemDescription, TimeStampedModel, VersionedModel, positive


class Source(TimeStampedModel):
    """A sail loft, canvas shop, marina or dealer through which goods arrive and return."""

    name = models.CharField(max_length=200, unique=True)
    address = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    # Replaces the legacy SAIL_ORDER_SOURCES config list: orders shipping to a sail loft are
    # "sail orders", which the queue can hide.
    is_sail_loft = models.BooleanField(default=False)
    # Legacy pseudo-sources ("Customer", "Pick Up", ...) are not businesses.
    is_placeholder = models.BooleanField(default=False)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Customer(VersionedModel):
    number = models.PositiveIntegerField(unique=True, editable=False)
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=255, blank=True)
    address2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    home_phone = models.CharField(max_length=40, blank=True)
    work_phone = models.CharField(max_length=40, blank=True)
    cell_phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    mail_address = models.CharField(max_length=255, blank=True)
    mail_city = models.CharField(max_length=100, blank=True)
    mail_state = models.CharField(max_length=50, blank=True)
    mail_zip = models.CharField(max_length=20, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="customers"
    )
    previous_source = models.CharField(max_length=200, blank=True, help_text="Legacy 'source old' note.")

    class Meta:
        ordering = ("-number",)
        indexes = [models.Index(Upper("name"), name="customer_name_upper")]
        constraints = [positive("number", "customer_number_positive")]

    def __str__(self) -> str:
        return f"{self.number} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:customers_customer_change", args=[self.pk])

    @property
    def primary_phone(self) -> str:
        return self.cell_phone or self.home_phone or self.work_phone


class CatalogItem(ItemDescription, TimeStampedModel):
    """An item the customer owns and brings in again and again (legacy 'inventory').

    A reference list, never decremented: typing a new item on a work order adds it here or
    raises its quantity (see customers.services.record_catalog_item).
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="catalog_items")
    # Case- and whitespace-folded description: the uniqueness key, so "Main  Sail" and
    # "main sail" are one catalog row.
    description_key = models.CharField(max_length=255, editable=False)
    quantity = models.PositiveIntegerField(default=0)
    legacy_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ("description_key", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("customer", "description_key", "material", "colour", "condition", "size"),
                name="catalog_item_unique_per_customer",
            ),
        ]
