"""Creating work orders through the admin over HTTP, against a bare-insert baseline.

Starts gunicorn (gthread) on a fresh benchmark database, then at each client count posts the admin
"add work order" form with two items (GET the form for its CSRF token, then POST) and, on the same
server, a baseline form that inserts one bare row. Prints throughput, latency percentiles of the
POSTs, errors and duplicate numbers. Run by hand; record results in docs/benchmarks.md.

    .venv/bin/python bench/create_orders.py [--database-url postgres://postgres@127.0.0.1:5432/awning_bench]
        [--clients 8 32 64] [--submissions 512]
"""

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ORDER_PATH, BARE_PATH = "/admin/workorders/workorder/add/", "/bench/bare/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/awning_bench")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--submissions", type=int, default=512, help="per client count and endpoint")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    sessions, customers = prepare_database(args.database_url, max(args.clients))

    from bench.server import gunicorn

    print(f"gunicorn gthread {args.workers} workers x {args.threads} threads, {args.database_url.split('://')[0]}")
    print("| clients | endpoint | submissions | throughput (/s) | POST p50 ms | p95 ms | p99 ms | errors | duplicates |")
    print("|---|---|---|---|---|---|---|---|---|")
    with gunicorn(database_url=args.database_url, workers=args.workers, threads=args.threads,
                  extra_env={"AWNING_BENCH_ENDPOINTS": "true"}) as base:
        for count in args.clients:
            for name, path in (("bare insert", BARE_PATH), ("work order + 2 items", ORDER_PATH)):
                row = run_level(base, path, sessions[:count], customers, args.submissions)
                print(f"| {count} | {name} | " + " | ".join(str(v) for v in row) + f" | {duplicates()} |", flush=True)


def prepare_database(url: str, client_count: int) -> tuple[list[str], list[int]]:
    """A fresh database with one Office user per client, a few customers and the baseline table."""
    from bench.setup import fresh_database, sessions

    fresh_database(url)
    from django.db import connection

    from accounts.roles import OFFICE
    from customers.services import create_customer

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare_rows (id integer PRIMARY KEY %s, created_at timestamp)"
                       % ("GENERATED ALWAYS AS IDENTITY" if connection.vendor == "postgresql" else "AUTOINCREMENT"))
    return sessions(client_count, OFFICE), [create_customer(fields={"name": f"Bench customer {n}"}, created_by=None).pk for n in range(8)]


def run_level(base: str, path: str, sessions: list[str], customers: list[int], submissions: int) -> list:
    from bench.clients import AdminClient, work_order_form
    from bench.setup import percentiles

    clients = [AdminClient(base=base, session_id=session) for session in sessions]

    def submit(n: int) -> int:
        client = clients[n % len(clients)]
        token = client.form_token(path)
        data = {"csrfmiddlewaretoken": token} if path == BARE_PATH else work_order_form(
            customer_pk=customers[n % len(customers)], token=token, label=f"bench {n}")
        return client.post(path, data)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(submit, range(submissions)))
    elapsed = time.perf_counter() - started
    p50, p95, p99 = percentiles([r.seconds * 1000 for c in clients for r in c.results])
    errors = sum(status != 302 for status in statuses)
    return [submissions, f"{submissions / elapsed:.1f}", f"{p50:.0f}", f"{p95:.0f}", f"{p99:.0f}", errors]


def duplicates() -> int:
    from django.db.models import Count

    from workorders.models import WorkOrder

    return WorkOrder.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).count()


if __name__ == "__main__":
    main()
