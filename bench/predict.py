"""The completion-time model: training on 50,000 completed orders, the nightly batch for 5,000
open orders, and one prediction with a warm model.

Rows are bulk-inserted (this measures the model, not the order services): 2,000 customers,
50,000 completed orders over about six years with one to four items each, 5,000 open orders.
Then, in this process:

1. ``train_completion_model`` end to end (read, features, holdout fit, refit, store, activate),
   with the time of each step;
2. ``refresh_predictions`` for every open order (the daily task): total time and rows written;
3. ``predict_work_order`` for one open order with the model already loaded (what the JSON
   endpoint does per request): p50/p95 over 300 calls, and the queries one call runs.

    .venv/bin/python bench/predict.py [--database-url postgres://postgres@127.0.0.1:5432/awning_bench]
"""

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build_shop(*, completed: int, open_orders: int, customers: int, seed: int = 5) -> None:
    from customers.models import Customer
    from workorders.models import WorkOrder, WorkOrderItem
    from workorders.stages import Stage

    rng = random.Random(seed)
    Customer.objects.bulk_create(Customer(number=n, name=f"Customer {n}") for n in range(1, customers + 1))
    people = list(Customer.objects.values_list("pk", flat=True))
    start, today = datetime.date(2020, 1, 1), datetime.date.today()
    orders, sizes = [], []
    for n in range(1, completed + open_orders + 1):
        is_open = n > completed
        date_in = today - datetime.timedelta(days=rng.randint(0, 40)) if is_open else start + datetime.timedelta(days=n * 2100 // completed)
        rush, pieces = rng.random() < 0.2, rng.randint(1, 4)
        side = rng.randint(4, 20)
        days = max(1, 3 + pieces * 2 + side // 3 - (3 if rush else 0) + rng.randint(-2, 6))
        orders.append(WorkOrder(
            number=n, customer_id=rng.choice(people), name=f"Order {n}", date_in=date_in, rush=rush,
            stage=Stage.AWAITING_QUOTE if is_open else Stage.COMPLETED,
            completed_on=None if is_open else date_in + datetime.timedelta(days=days),
        ))
        sizes.append([rng.choice((f"{side}x{side + 2}", f"{side}'6\"x{side}'", "95#", "")) for _ in range(pieces)])
    WorkOrder.objects.bulk_create(orders, batch_size=5000)
    ids = dict(WorkOrder.objects.values_list("number", "pk"))
    WorkOrderItem.objects.bulk_create(
        (WorkOrderItem(work_order_id=ids[n], description="Awning", size=size, quantity=1)
         for n, order_sizes in enumerate(sizes, start=1) for size in order_sizes),
        batch_size=5000,
    )


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"{label:<48} {time.perf_counter() - started:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/awning_bench")
    parser.add_argument("--completed", type=int, default=50_000)
    parser.add_argument("--open", type=int, default=5_000)
    parser.add_argument("--customers", type=int, default=2_000)
    args = parser.parse_args()

    from bench.setup import fresh_database, percentiles

    fresh_database(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mlmodels import features, services, training
    from mlmodels.models import Prediction
    from mlmodels.selectors import predict_work_order
    from workorders.models import WorkOrder

    timed(f"insert {args.completed:,} completed + {args.open:,} open orders", lambda: build_shop(
        completed=args.completed, open_orders=args.open, customers=args.customers))

    print("\n1. Training")
    completed = WorkOrder.objects.filter(completed_on__isnull=False)
    facts = timed("   read orders and items (load_order_facts)", lambda: features.load_order_facts(completed))
    history = timed("   read the history (History.of_all_orders)", features.History.of_all_orders)
    rows = training.training_rows(facts)
    timed(f"   features for {len(rows):,} orders", lambda: features.feature_matrix(rows, history))
    outcome = timed("   train_completion_model, end to end", lambda: services.train_completion_model(trained_via="bench"))
    m = outcome.result.metrics
    print(f"   -> version {outcome.version.pk}, activated={outcome.activated}: MAE {m['mae']} d, median abs. error "
          f"{m['median_absolute_error']} d, baseline MAE {m['baseline_mae']} d ({m['train_count']:,} train / {m['holdout_count']:,} holdout)")

    print("\n2. Nightly batch")
    count = timed(f"   refresh_predictions ({args.open:,} open orders)", services.refresh_predictions)
    print(f"   -> {count:,} predictions written; table holds {Prediction.objects.count():,} rows")

    print("\n3. One prediction, warm model")
    open_orders = list(WorkOrder.objects.filter(completed_on__isnull=True)[:300])
    predict_work_order(open_orders[0])  # load the model into this process
    samples = []
    for order in open_orders:
        started = time.perf_counter()
        predict_work_order(order)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        predict_work_order(open_orders[1])
    p50, p95, _ = percentiles(samples)
    print(f"   predict_work_order x{len(samples)}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(queries)} queries per call")


if __name__ == "__main__":
    main()
