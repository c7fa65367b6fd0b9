"""Abstract building blocks shared by the domain apps (no tables of their own)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


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
        """Legacy rule: sails are sized by weight, written with '#' (e.g. 95#)."""
        return "#" in self.size


class Attachment(models.Model):
    """A file attached to an order or check-in. Subclasses add the owner FK and upload path."""

    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name


def non_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": 0}), name=name)


def positive(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gt": 0}), name=name)
