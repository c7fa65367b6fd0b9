"""Enumerations shared by work orders, repair orders and check-ins.

The legacy system spelled these differently on work orders (``Seasonal``, ``Re-Hang``) and repair
orders (``SEASONAL``, ``REHANG``); here each concept has one set of values.
"""

from django.db import models


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


def tier_of(*, rush: bool, firm_rush: bool) -> Tier:
    # A firm-rush order counts only as firm rush even when the rush flag is also set.
    if firm_rush:
        return Tier.FIRM_RUSH
    return Tier.RUSH if rush else Tier.REGULAR
