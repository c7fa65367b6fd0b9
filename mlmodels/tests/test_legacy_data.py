"""Training on rows shaped like the legacy tables (tblcustworkorderdetail + tblorddetcustawngs).

The rows are made here, with the legacy column names and the legacy data's quirks (NULL flags,
junk and sail-weight sizes, completions before the date in, orders closed years later, open
orders), and mapped straight into work orders through the services.
"""

import datetime
import random

import pytest

from accounts.roles import MANAGER
from accounts.tests.factories import make_user
from core.choices import ReturnMethod, StorageTime
from customers.tests.factories import CustomerFactory
from mlmodels import services
from mlmodels.models import Prediction
from workorders import services as work_orders
from workorders.stages import Stage
from workorders.tests.factories import item_data

pytestmark = pytest.mark.django_db

SIZES = ("{a}'{i}\"x{b}'{j}\"", "{a}x{b}", "{a}x{b}={ab}'", "{a}' x {b}'", "95#", "45 lbs #", "na", None)
STORAGE = {"Seasonal": StorageTime.SEASONAL, "Temporary": StorageTime.TEMPORARY}
RETURNS = {"Ship": ReturnMethod.SHIP, "Deliver": ReturnMethod.DELIVER, "Pickup": ReturnMethod.PICKUP, "Re-Hang": ReturnMethod.REHANG}


def legacy_rows(count: int, rng: random.Random) -> list[dict]:
    rows, day = [], datetime.date(2024, 3, 1)
    for number in range(1, count + 1):
        day += datetime.timedelta(days=rng.choice((1, 2, 3)))
        lines = []
        for _ in range(rng.randint(1, 3)):
            a, b = rng.randint(4, 16), rng.randint(4, 20)
            size = rng.choice(SIZES)
            lines.append({"sizewgt": size and size.format(a=a, b=b, i=rng.randint(0, 11), j=rng.randint(0, 11), ab=a * b), "qty": rng.choice(("1", "2", "", "x"))})
        rush = rng.choice((True, False, False, False, None))
        area = sum(int(line["qty"]) if line["qty"].isdigit() else 1 for line in lines) * 4
        days = 3 + area - (3 if rush else 0) + rng.randint(0, 2)
        completed = datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time())
        if number % 29 == 0:
            completed = datetime.datetime.combine(day - datetime.timedelta(days=5), datetime.time())  # typed wrong
        if number % 31 == 0:
            completed = None  # still open
        rows.append({
            "workorderno": str(number), "custid": str(100 + number % 9), "datein": day, "datecompleted": completed,
            "rushorder": rush, "firmrush": None if number % 7 == 0 else False, "repairsneeded": number % 5 == 0,
            "iscushion": False, "storagetime": rng.choice(("Seasonal", "Temporary", None, "odd")),
            "returnstatus": rng.choice(("Ship", "Deliver", "Pickup", "Re-Hang", "UPS?")), "items": lines,
        })
    return rows


def import_rows(rows: list[dict]) -> None:
    manager = make_user(MANAGER)
    customers = {}
    for row in rows:
        customer = customers.get(row["custid"]) or customers.setdefault(row["custid"], CustomerFactory())
        items = [
            item_data(n, size=line["sizewgt"] or "", quantity=int(line["qty"]) if line["qty"].isdigit() else 1)
            for n, line in enumerate(row["items"])
        ]
        order = work_orders.create_work_order(customer=customer, items=items, created_by=manager, fields={
            "date_in": row["datein"], "rush": bool(row["rushorder"]), "firm_rush": bool(row["firmrush"]),
            "repairs_needed": bool(row["repairsneeded"]), "is_cushion": bool(row["iscushion"]),
            "storage_time": STORAGE.get(row["storagetime"], StorageTime.UNKNOWN),
            "return_method": RETURNS.get(row["returnstatus"], ReturnMethod.UNKNOWN),
        })
        if row["datecompleted"]:
            work_orders.change_work_order_stage(
                work_order=order, to_stage=Stage.COMPLETED, on=row["datecompleted"].date(), changed_by=manager
            )


def test_training_on_legacy_shaped_rows_yields_a_version_with_metrics_and_predicts_the_open_ones():
    rows = legacy_rows(90, random.Random(6))
    import_rows(rows)
    usable = sum(1 for r in rows if r["datecompleted"] and r["datecompleted"].date() >= r["datein"])

    outcome = services.train_completion_model(trained_via="test")

    metrics = outcome.version.metrics
    assert outcome.version.sample_count == usable  # the completion typed before the date in is left out
    assert metrics["mae"] < metrics["baseline_mae"] and outcome.activated
    assert services.refresh_predictions() == sum(1 for r in rows if r["datecompleted"] is None)
    assert set(Prediction.objects.values_list("model_version", flat=True)) == {outcome.version.pk}
