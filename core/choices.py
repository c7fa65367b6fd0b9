"""Enumerations shared by work orders, repair orders and check-ins.

The legacy system spelled these differently on work orders (``Seasonal``, ``Re-Hang``) and repair
orders (``SEASONAL``, ``REHANG``); here each concept has one set of values.
"""

from django.db import models
from django.db.models import Q


class StorageTime(models.TextChoices):
    UNKNOWN = "", "—"
    SEASONAL = "seasonal", "Seasonal"
    TEMPORARY = "temporary", "Temporary"


class ReturnMethod(models.TextChoices):
    UNKNOWN = "", "Unknown"
    SHIP = "ship", "Ship"
    DELIVER = "deliver", "Deliver"
    PICKUP = "pickup", "Pickup"
    REHANG = "rehang", "Re-hang"


class ReturnTo(models.TextChoices):
    UNKNOWN = "", "—"
    SOURCE = "source", "Source"
    CUSTOMER = "customer", "Customer"
    OTHER = "other", "Other"


class QuoteStatus(models.TextChoices):
    NONE = "", "No quote"
    NEEDED = "needed", "Quote needed"
    DONE = "done", "Quote done"
    APPROVED = "approved", "Approved"


class Tier(models.IntegerChoices):
    """Queue priority tier; lower sorts first."""

    FIRM_RUSH = 1, "Firm rush"
    RUSH = 2, "Rush"
    REGULAR = 3, "Regular"


# The one statement of the tier rule: a firm-rush order counts only as firm rush even when the
# rush flag is also set. tier_of says it for an order in memory, tier_filter for a query.


def tier_of(*, rush: bool, firm_rush: bool) -> Tier:
    if firm_rush:
        return Tier.FIRM_RUSH
    return Tier.RUSH if rush else Tier.REGULAR


def tier_filter(tier: Tier, *, prefix: str = "") -> Q:
    """The rows of ``tier``, as tier_of decides it; ``prefix`` reaches the order through a relation
    (e.g. ``"work_order__"``)."""
    firm, rush = f"{prefix}firm_rush", f"{prefix}rush"
    if tier == Tier.FIRM_RUSH:
        return Q(**{firm: True})
    return Q(**{firm: False, rush: tier == Tier.RUSH})
