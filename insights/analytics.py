"""The manager analytics series, each one aggregated by the database.

Every series is a handful of GROUP BY queries returning at most one row per day, tier or source
(a year is at most 366 rows, whatever the number of orders); Python only adds days up into weeks
and months. Grouping by the stored date rather than by TruncWeek/TruncMonth in SQL avoids, on
SQLite, a Python date function called once per row (Django implements those functions in Python
there), which made the page several times slower (docs/benchmarks.md). Weekly series cover whole
weeks (Monday to Sunday) around the chosen range; monthly series whole months. Money and square
feet are Decimals.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Func, IntegerField, Sum
from django.db.models.functions import Greatest

from core.choices import Tier, tier_filter
from workorders.models import WorkOrder, WorkOrderItem

from .cache import cached_with_work_orders

TOP_SOURCES = 10
ZERO = Decimal("0.00")

_TIERS = tuple((tier, tier_filter(tier)) for tier in Tier)
_LINE_AREA = ExpressionWrapper(F("square_feet") * F("quantity"), output_field=DecimalField(max_digits=14, decimal_places=2))
_LINE_TOTAL = ExpressionWrapper(F("price") * F("quantity"), output_field=DecimalField(max_digits=14, decimal_places=2))


class DaysElapsed(Func):
    """Whole days from the second date to the first, as an integer in SQL.

    Django's own date subtraction yields a duration, which SQLite computes with a Python function
    called once per row (5 years of orders: ~0.3 s); julianday() is native there, and PostgreSQL
    subtracts dates to days natively.
    """

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
                           arg_joiner=") - julianday(", **extra_context)


_TURNAROUND = DaysElapsed("completed_on", "date_in")


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def first_monday(self) -> date:
        return self.start - timedelta(days=self.start.weekday())

    @property
    def last_sunday(self) -> date:
        return self.end + timedelta(days=6 - self.end.weekday())

    def mondays(self) -> list[date]:
        weeks = (self.last_sunday - self.first_monday).days // 7 + 1
        return [self.first_monday + timedelta(weeks=n) for n in range(weeks)]

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def get_analytics(period: DateRange) -> dict[str, list[dict]]:
    """All series for the page, cached until a work order changes."""
    return cached_with_work_orders(
        f"analytics:{period.start.isoformat()}:{period.end.isoformat()}",
        lambda: {name: build(period) for name, build in SERIES.items()},
    )


def weekly_throughput(period: DateRange) -> list[dict]:
    """Orders completed and square feet cleaned (area of their items times quantity) per week."""
    weeks = (period.first_monday, period.last_sunday)
    orders = _by(WorkOrder.objects.filter(completed_on__range=weeks), "completed_on", _week, orders=Count("pk"))
    area = _by(
        WorkOrderItem.objects.filter(work_order__completed_on__range=weeks),
        "work_order__completed_on", _week, square_feet=Sum(_LINE_AREA),
    )
    return [
        {"week": monday, "orders_completed": orders.get(monday, {}).get("orders", 0),
         "square_feet": _money(area.get(monday, {}).get("square_feet"))}
        for monday in period.mondays()
    ]


def backlog(period: DateRange) -> list[dict]:
    """Open orders at the end of each week (in by date in, out by completion).

    The count at the first Sunday is one query; later weeks add the orders that came in and
    subtract those completed, each grouped by week. An order completed "before" it came in (legacy
    data) leaves when it arrives, so it is never counted open.
    """
    mondays = period.mondays()
    first_sunday = mondays[0] + timedelta(days=6)
    open_then = WorkOrder.objects.filter(date_in__lte=first_sunday).exclude(completed_on__lte=first_sunday).count()
    later = (first_sunday + timedelta(days=1), period.last_sunday)
    came_in = _by(WorkOrder.objects.filter(date_in__range=later), "date_in", _week, n=Count("pk"))
    left = _by(
        WorkOrder.objects.filter(completed_on__isnull=False).alias(left_on=Greatest("completed_on", "date_in"))
        .filter(left_on__range=later),
        "left_on", _week, n=Count("pk"),
    )
    rows = [{"week_ending": first_sunday, "open_orders": open_then}]
    for monday in mondays[1:]:
        open_then += came_in.get(monday, {}).get("n", 0) - left.get(monday, {}).get("n", 0)
        rows.append({"week_ending": monday + timedelta(days=6), "open_orders": open_then})
    return rows


def turnaround_by_tier(period: DateRange) -> list[dict]:
    """Orders completed in the range per priority tier, and their mean days from in to done."""
    completed = WorkOrder.objects.filter(completed_on__range=(period.start, period.end), completed_on__gte=F("date_in"))
    aggregates = {}
    for tier, condition in _TIERS:
        aggregates[f"n{tier.value}"] = Count("pk", filter=condition)
        aggregates[f"avg{tier.value}"] = Avg(_TURNAROUND, filter=condition)
    values = completed.aggregate(**aggregates)
    return [
        {"tier": tier.label, "orders_completed": values[f"n{tier.value}"],
         "average_days": _days(values[f"avg{tier.value}"])}
        for tier, _ in _TIERS
    ]


def revenue_by_month(period: DateRange) -> list[dict]:
    """Sum of line price times quantity of the orders completed in each month (unpriced lines
    count nothing)."""
    months = (period.start.replace(day=1), _month(period.end.replace(day=1) + timedelta(days=32)) - timedelta(days=1))
    revenue = _by(
        WorkOrderItem.objects.filter(work_order__completed_on__range=months, price__isnull=False),
        "work_order__completed_on", _month, revenue=Sum(_LINE_TOTAL),
    )
    return [{"month": month, "revenue": _money(revenue.get(month, {}).get("revenue"))} for month in period.months()]


def top_sources(period: DateRange) -> list[dict]:
    """The sources (sail lofts, dealers) whose customers brought the most orders in."""
    rows = (
        WorkOrder.objects.filter(date_in__range=(period.start, period.end), customer__source__isnull=False,
                                 customer__source__is_placeholder=False)
        .values("customer__source__name").annotate(orders=Count("pk")).order_by("-orders", "customer__source__name")
    )
    return [{"source": row["customer__source__name"], "orders": row["orders"]} for row in rows[:TOP_SOURCES]]


def _by(queryset, field: str, bucket_of, **aggregates) -> dict[date, dict]:
    """Aggregate per day in SQL, then add the days up per bucket (week or month) here.
    Every aggregate must be a count or a sum, which add up across days."""
    buckets: dict[date, dict] = {}
    for row in queryset.values(day=F(field)).annotate(**aggregates).order_by():
        totals = buckets.setdefault(bucket_of(row.pop("day")), dict.fromkeys(aggregates))
        for name, value in row.items():
            if value is not None:
                totals[name] = value if totals[name] is None else totals[name] + value
    return buckets


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(day: date) -> date:
    return day.replace(day=1)


def _money(value: Decimal | None) -> Decimal:
    """Two places on every backend (SQLite sums decimals with twelve)."""
    return (value or ZERO).quantize(ZERO)


def _days(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


SERIES = {
    "throughput": weekly_throughput,
    "backlog": backlog,
    "turnaround": turnaround_by_tier,
    "revenue": revenue_by_month,
    "sources": top_sources,
}
