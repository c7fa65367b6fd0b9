"""Completed order histories to train on, built through the work-order services."""

import datetime
import random

from accounts.roles import MANAGER
from accounts.tests.factories import make_user
from customers.tests.factories import CustomerFactory
from workorders import services
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data

START = datetime.date(2025, 1, 6)


def expected_days(*, pieces: int, side: int, rush: bool) -> int:
    """The shop's (invented) turnaround: bigger jobs take longer, rush jobs jump ahead.
    Size drives it, which a median per priority tier cannot see but the model can."""
    return max(1, 2 + pieces * 3 + side // 2 - (4 if rush else 0))


def completed_history(count: int, *, seed: int = 1, customers: int = 8, start: datetime.date = START) -> list:
    """``count`` completed orders, one every two or three days from ``start``."""
    rng = random.Random(seed)
    manager = make_user(MANAGER)
    people = [CustomerFactory() for _ in range(customers)]
    orders, day = [], start
    for n in range(count):
        day += datetime.timedelta(days=rng.choice((1, 2, 3)))
        pieces, side, rush = rng.randint(1, 4), rng.randint(6, 20), rng.random() < 0.25
        items = [item_data(i, size=f"{side}x{side}", quantity=1) for i in range(pieces)]
        order = WorkOrderFactory(customer=people[n % customers], date_in=day, rush=rush, items=items)
        done = day + datetime.timedelta(days=expected_days(pieces=pieces, side=side, rush=rush) + rng.randint(0, 1))
        services.change_work_order_stage(work_order=order, to_stage=Stage.COMPLETED, on=done, changed_by=manager)
        orders.append(order)
    return orders
