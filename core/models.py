"""Abstract building blocks shared by the domain apps (no tables of their own)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import ReturnMethod, ReturnTo, StorageTime, Tier, tier_of
from .sizes import is_sail


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A row people edit from forms: ``version`` is the optimistic lock, bumped on every save
    by the services, and ``updated_by`` names who to blame in the stale-edit message."""

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class Order(VersionedModel):
    """What work orders and repair orders share. Subclasses add the customer and their own fields."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    name = models.CharField(max_length=200, blank=True, help_text="Defaults to the customer's name.")
    rush = models.BooleanField(default=False)
    firm_rush = models.BooleanField(default=False, help_text="Hard deadline: first in the queue.")
    date_in = models.DateField(default=timezone.localdate)
    date_required = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True, editable=False)
    storage_time = models.CharField(max_length=10, choices=StorageTime.choices, blank=True)
    rack_number = models.CharField(max_length=100, blank=True, help_text="Where the goods sit now.")
    return_method = models.CharField(max_length=10, choices=ReturnMethod.choices, blank=True)
    return_to = models.CharField(max_length=10, choices=ReturnTo.choices, blank=True)
    special_instructions = models.TextField(blank=True)
    # Deprecated legacy columns and raw values kept for reference, never for logic.
    legacy_data = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ("-number",)

    @property
    def tier(self) -> Tier:
        return tier_of(rush=self.rush, firm_rush=self.firm_rush)


class ItemDescription(models.Model):
    """What an item is; shared by the catalog, order lines and check-in lines."""

    description = models.CharField(max_length=255)
    material = models.CharField(max_length=100, blank=True)
    condition = models.CharField(max_length=100, blank=True)
    colour = models.CharField(max_length=100, blank=True)
    # Raw legacy size/weight text such as 8'9"x10'2", 8x10=80' or 95#; parsed only where needed.
    size = models.CharField(max_length=100, blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return " · ".join(part for part in (self.description, self.material, self.colour, self.size) if part)

    @property
    def is_sail(self) -> bool:
        return is_sail(self.size)


def positive(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gt": 0}), name=name)
