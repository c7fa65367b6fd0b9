"""What the model knows about an order: only facts known on the day it came in.

One code path builds the features for training, for the nightly batch and for a single order,
so the model never sees in serving what it did not see in training (the legacy model's
per-customer statistics were filled in training and left at zero when predicting). The only
difference is where the order history comes from: arrays of every order (training, batch) or
two small queries (one order); ``test_features`` asserts both give the same numbers.
"""

import datetime
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet
from django.db.models.functions import Length

from core.choices import ReturnMethod, StorageTime, tier_of
from core.sizes import is_sail, parse_square_feet
from workorders.models import WorkOrder, WorkOrderItem

# Bump when a feature changes meaning: it is part of every version's code_version.
FEATURES_VERSION = 1

FEATURE_NAMES = (
    "rush", "firm_rush", "is_cushion", "repairs_needed", "month", "weekday", "season",
    "days_to_required", "item_count", "line_count", "square_feet", "sail_items", "ships_to_sail_loft",
    "has_source", "storage_time", "return_method", "instructions_length", "customer_prior_orders",
    "customer_completed_orders", "customer_mean_days", "backlog",
)
CATEGORICAL_FEATURES = ("month", "weekday", "season", "storage_time", "return_method")
# "Not known" for numeric features. Not NaN: scikit-learn 1.9's histogram binning fails on a
# column that is NaN in every training row (a shop that never sets a required date), and
# every real value of these features is >= 0, so trees split it off just the same.
MISSING = -1.0
STORAGE_CODES = {value: code for code, value in enumerate(StorageTime.values)}
RETURN_CODES = {value: code for code, value in enumerate(ReturnMethod.values)}

ORDER_FIELDS = (
    "pk", "customer_id", "date_in", "date_required", "completed_on", "rush", "firm_rush", "is_cushion",
    "repairs_needed", "storage_time", "return_method", "ship_to__is_sail_loft", "customer__source_id",
)


@dataclass(frozen=True)
class OrderFacts:
    """An order as it was at intake, plus its completion date (the training target) if any."""

    pk: int
    customer_id: int
    date_in: datetime.date
    date_required: datetime.date | None
    completed_on: datetime.date | None
    rush: bool
    firm_rush: bool
    is_cushion: bool
    repairs_needed: bool
    storage_time: str
    return_method: str
    ships_to_sail_loft: bool
    has_source: bool
    instructions_length: int
    item_count: int
    line_count: int
    square_feet: float | None
    sail_items: int

    @property
    def tier(self) -> int:
        return int(tier_of(rush=self.rush, firm_rush=self.firm_rush))


def load_order_facts(orders: QuerySet[WorkOrder]) -> list[OrderFacts]:
    """The facts of the given orders in two queries (orders, then their item sizes)."""
    rows = list(orders.annotate(instructions_length=Length("special_instructions")).values(*ORDER_FIELDS, "instructions_length"))
    items = _item_totals(WorkOrderItem.objects.filter(work_order__in=orders.values("pk")))
    facts = []
    for row in rows:
        count, lines, feet, sails = items.get(row["pk"], (0, 0, None, 0))
        facts.append(OrderFacts(
            pk=row["pk"], customer_id=row["customer_id"], date_in=row["date_in"], date_required=row["date_required"],
            completed_on=row["completed_on"], rush=row["rush"], firm_rush=row["firm_rush"],
            is_cushion=row["is_cushion"], repairs_needed=row["repairs_needed"], storage_time=row["storage_time"],
            return_method=row["return_method"], ships_to_sail_loft=bool(row["ship_to__is_sail_loft"]),
            has_source=row["customer__source_id"] is not None, instructions_length=row["instructions_length"] or 0,
            item_count=count, line_count=lines, square_feet=feet, sail_items=sails,
        ))
    return facts


def _item_totals(items: QuerySet[WorkOrderItem]) -> dict[int, tuple[int, int, float | None, int]]:
    """Per order: pieces, lines, total square feet of the awnings (None when no size parses),
    and sail pieces (sails are sized by weight, so they add no area)."""
    totals: dict[int, list] = defaultdict(lambda: [0, 0, None, 0])
    for order_id, size, quantity in items.values_list("work_order_id", "size", "quantity").iterator(chunk_size=5000):
        total = totals[order_id]
        total[0] += quantity
        total[1] += 1
        if is_sail(size):
            total[3] += quantity
        elif (feet := parse_square_feet(size)) is not None:
            total[2] = (total[2] or 0.0) + feet * quantity
    return {order_id: tuple(total) for order_id, total in totals.items()}


class History:
    """Every order's customer, date in and completion date: answers "as of day d" questions.

    Backlog on day d = orders in by d and not completed by d. Customer history before d = the
    customer's orders that came in before d, and those of them completed before d with their
    durations. Nothing after d is used, so training rows see no more than a new order would.
    """

    def __init__(self, rows: list[tuple[int, datetime.date, datetime.date | None]]):
        self._date_in = np.sort(np.array([d.toordinal() for _, d, _ in rows], dtype=np.int64))
        # An order completed before its date in (a legacy data quirk) leaves the backlog on its date in.
        self._done = np.sort(np.array([max(c, d).toordinal() for _, d, c in rows if c], dtype=np.int64))
        self._arrivals: dict[int, list[int]] = defaultdict(list)
        self._completions: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for customer_id, date_in, completed in rows:
            self._arrivals[customer_id].append(date_in.toordinal())
            if completed:
                self._completions[customer_id].append((completed.toordinal(), (completed - date_in).days))
        for values in (*self._arrivals.values(), *self._completions.values()):
            values.sort()

    @classmethod
    def of_all_orders(cls) -> "History":
        return cls(list(WorkOrder.objects.values_list("customer_id", "date_in", "completed_on").iterator(chunk_size=10000)))

    def backlog_on(self, day: datetime.date) -> int:
        ordinal = day.toordinal()
        return int(np.searchsorted(self._date_in, ordinal, "right") - np.searchsorted(self._done, ordinal, "right"))

    def customer_before(self, customer_id: int, day: datetime.date) -> tuple[int, int, float]:
        ordinal = day.toordinal()
        prior = bisect_left(self._arrivals.get(customer_id, []), ordinal)
        completions = self._completions.get(customer_id, [])
        durations = [days for done, days in completions[: bisect_left(completions, (ordinal, -10**9))]]
        return prior, len(durations), (float(np.mean(durations)) if durations else MISSING)


class OrderHistory(History):
    """The same answers for one order from two small queries (its customer's orders, one count)."""

    def __init__(self, facts: OrderFacts):
        super().__init__(list(WorkOrder.objects.filter(customer_id=facts.customer_id).values_list("customer_id", "date_in", "completed_on")))
        day = facts.date_in
        open_that_day = WorkOrder.objects.filter(Q(date_in__lte=day), Q(completed_on__isnull=True) | Q(completed_on__gt=day))
        self._backlog = (day, open_that_day.count())

    def backlog_on(self, day: datetime.date) -> int:
        assert day == self._backlog[0], "OrderHistory answers for its own order's date in only"
        return self._backlog[1]


def feature_matrix(facts: list[OrderFacts], history: History) -> np.ndarray:
    return np.array([feature_row(order, history) for order in facts], dtype=np.float64).reshape(len(facts), len(FEATURE_NAMES))


def feature_row(order: OrderFacts, history: History) -> list[float]:
    prior, completed, mean_days = history.customer_before(order.customer_id, order.date_in)
    return [
        order.rush, order.firm_rush, order.is_cushion, order.repairs_needed,
        order.date_in.month - 1, order.date_in.weekday(), (order.date_in.month % 12) // 3,
        (order.date_required - order.date_in).days if order.date_required else MISSING,
        order.item_count, order.line_count, MISSING if order.square_feet is None else order.square_feet,
        order.sail_items, order.ships_to_sail_loft, order.has_source,
        STORAGE_CODES.get(order.storage_time, 0), RETURN_CODES.get(order.return_method, 0),
        order.instructions_length, prior, completed, mean_days, history.backlog_on(order.date_in),
    ]
