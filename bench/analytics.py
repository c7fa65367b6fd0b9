"""Analytics and dashboard pages on 50,000 work orders, over HTTP under gunicorn.

Fills a fresh benchmark database with a shop's worth of history (sources, customers, work orders
over five years with legacy-style item sizes and prices, written in bulk: this measures reads),
starts gunicorn, and times the manager's analytics page for several date ranges with the cache
cold (its generation moved before every request, as after any work-order change) and warm, plus a
CSV download and the dashboard. Prints p50/p95/max and the queries per page. Run by hand; record
results in docs/benchmarks.md.

    .venv/bin/python bench/analytics.py [--database-url postgres://postgres@127.0.0.1:5432/awning_bench_analytics]
        [--orders 50000] [--requests 20]
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = ["8'9\"x10'2\"", "8x10", "8x10=80'", "4'8R=68.48'", "8' x 10'", "44 yds.", "20 lb.", "$45 ea.", "95#",
         "35 #", "18x18x4", "set of 6", ".", "na", "", "12'6\" x 9'", "10x8+4x5", "640x873"]
RANGES = {"26 weeks (default)": 182, "1 year": 365, "5 years": 5 * 365}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/awning_bench_analytics")
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=20, help="per page and cache state")
    args = parser.parse_args()

    from bench.setup import fresh_database, percentiles, sessions

    fresh_database(args.database_url)
    started = time.perf_counter()
    seed(args.orders)
    print(f"seeded {args.orders} work orders in {time.perf_counter() - started:.0f} s")
    from accounts.roles import MANAGER
    from bench.clients import AdminClient
    from bench.server import gunicorn

    session = sessions(1, MANAGER)[0]
    print_queries()
    with gunicorn(database_url=args.database_url, workers=2, threads=2) as base:
        client = AdminClient(base, session)
        today = date.today()
        # Each worker's first requests load templates and warm PostgreSQL's buffers: shown, not counted.
        for _ in range(4):
            move_generation()
            client.get(f"/analytics/?start={today - timedelta(days=730)}&end={today}")
        print("warm-up, first 4 requests after start (ms): "
              + ", ".join(f"{r.seconds * 1000:.0f}" for r in client.results))
        print("| page | cache | requests | p50 ms | p95 ms | max ms | errors |")
        print("|---|---|---|---|---|---|---|")
        pages = [(f"analytics, {name}", f"/analytics/?start={today - timedelta(days=days)}&end={today}")
                 for name, days in RANGES.items()]
        pages += [("CSV backlog, 1 year", f"/analytics/backlog.csv?start={today - timedelta(days=365)}&end={today}"),
                  ("dashboard (office)", "/dashboard/")]
        for name, path in pages:
            for cache in ("cold", "warm"):
                client.results.clear()
                for _ in range(args.requests):
                    if cache == "cold":
                        move_generation()
                    client.get(path)
                millis = [r.seconds * 1000 for r in client.results]
                p50, p95, _ = percentiles(millis)
                errors = sum(r.status != 200 for r in client.results)
                print(f"| {name} | {cache} | {len(millis)} | {p50:.0f} | {p95:.0f} | {max(millis):.0f} | {errors} |",
                      flush=True)


def seed(count: int) -> None:
    from django.db import transaction

    from core.choices import QuoteStatus
    from core.sizes import parse_square_feet
    from customers.models import Customer, Source
    from workorders.models import WorkOrder, WorkOrderItem
    from workorders.stages import Stage

    rng = random.Random(10)
    today = date.today()
    with transaction.atomic():
        sources = Source.objects.bulk_create(Source(name=f"Loft {n}", is_placeholder=n == 0) for n in range(60))
        customers = Customer.objects.bulk_create(
            Customer(number=n + 1, name=f"Customer {n}", email=f"c{n}@example.com", source=rng.choice(sources))
            for n in range(count // 10)
        )
        orders = []
        for n in range(count):
            date_in = today - timedelta(days=rng.randint(0, 5 * 365))
            done = date_in + timedelta(days=rng.randint(2, 60))
            completed = done <= today and rng.random() < 0.95
            orders.append(WorkOrder(
                number=n + 1, customer=rng.choice(customers), name=f"Order {n}", date_in=date_in,
                rush=rng.random() < 0.15, firm_rush=rng.random() < 0.05,
                date_required=date_in + timedelta(days=rng.randint(7, 45)) if rng.random() < 0.4 else None,
                quote=QuoteStatus.APPROVED if completed or rng.random() < 0.7 else QuoteStatus.NEEDED,
                stage=Stage.COMPLETED if completed else Stage.QUEUED,
                completed_on=done if completed else None,
            ))
            orders[-1].stage = orders[-1].stage if completed or orders[-1].quote == QuoteStatus.APPROVED else Stage.AWAITING_QUOTE
        WorkOrder.objects.bulk_create(orders, batch_size=5000)
        items = []
        for order in WorkOrder.objects.only("pk").iterator(chunk_size=5000):
            for _ in range(rng.choice((1, 2, 2, 3, 4))):
                size = rng.choice(SIZES)
                area = parse_square_feet(size)
                items.append(WorkOrderItem(
                    work_order_id=order.pk, description="Awning", size=size, quantity=rng.choice((1, 1, 1, 2, 4)),
                    price=rng.choice((None, 45, 95, 120, 240)), square_feet=round(area, 2) if area is not None else None,
                ))
        WorkOrderItem.objects.bulk_create(items, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def move_generation() -> None:
    from core.cache import WORK_ORDER_STATE, invalidate

    invalidate(WORK_ORDER_STATE)


def print_queries() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insights.analytics import SERIES, DateRange

    today = date.today()
    with CaptureQueriesContext(connection) as queries:
        {name: build(DateRange(start=today - timedelta(days=365), end=today)) for name, build in SERIES.items()}
    print(f"queries for every analytics series (1 year): {len(queries)}")


if __name__ == "__main__":
    main()
