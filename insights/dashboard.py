"""Reads for the dashboard: counts by stage and priority, and the latest changes."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from core.choices import Tier, tier_filter
from workorders.models import CheckIn, WorkOrder
from workorders.stages import QUEUE_STAGES, Stage

from .cache import cached_with_work_orders

RECENT_COUNT = 10

_IN_QUEUE = Q(stage__in=QUEUE_STAGES)
_FIRM = tier_filter(Tier.FIRM_RUSH)
_RUSH = tier_filter(Tier.RUSH)
_REGULAR = tier_filter(Tier.REGULAR)


def get_dashboard_counts(*, today: date | None = None) -> dict[str, int]:
    """Every count on the dashboard, from one aggregate query over work orders and one over
    check-ins; cached until a work order or check-in changes (or the day turns, for overdue)."""
    today = today or timezone.localdate()
    return cached_with_work_orders(f"dashboard-counts:{today.isoformat()}", lambda: _count(today))


def _count(today: date) -> dict[str, int]:
    counts = WorkOrder.objects.aggregate(
        queue_firm_rush=Count("pk", filter=_IN_QUEUE & _FIRM),
        queue_rush=Count("pk", filter=_IN_QUEUE & _RUSH),
        queue_regular=Count("pk", filter=_IN_QUEUE & _REGULAR),
        in_progress=Count("pk", filter=Q(stage=Stage.IN_PROGRESS)),
        cleaned=Count("pk", filter=Q(stage=Stage.CLEANED)),
        treated=Count("pk", filter=Q(stage=Stage.TREATED)),
        packaged=Count("pk", filter=Q(stage=Stage.PACKAGED)),
        awaiting_quote=Count("pk", filter=Q(stage=Stage.AWAITING_QUOTE)),
        overdue=Count("pk", filter=~Q(stage=Stage.COMPLETED) & Q(date_required__lt=today)),
    )
    counts["queue_total"] = counts["queue_firm_rush"] + counts["queue_rush"] + counts["queue_regular"]
    counts["pending_check_ins"] = CheckIn.objects.filter(status=CheckIn.Status.PENDING).count()
    return counts


def list_recent_work_orders(limit: int = RECENT_COUNT) -> list[WorkOrder]:
    """The most recently created or changed orders (a creation sets updated_at too)."""
    return list(WorkOrder.objects.select_related("customer", "ship_to").order_by("-updated_at", "-pk")[:limit])
