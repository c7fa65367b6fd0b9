"""The cleaning queue over HTTP: managers moving orders at once, and the queue page when long.

(Not bench/queue.py: run as a script, that name would shadow the standard library's queue module.)

1. 8 managers (threads, each with its own session) move random orders on a 500-order queue the
   way the page does: read the queue once (GET /queue/api/), post each move with the version the
   last answer gave, and read the queue again only after a 409. Prints the move POST's p50/p95,
   how many were applied (200) or refused as stale (409), and errors.
2. GET /queue/ (the technicians' page) with 1,000 queued orders: p50/p95, and the queries one
   request runs with 10 and with 1,000 orders (counted in-process).

    .venv/bin/python bench/queue_moves.py [--database-url postgres://postgres@127.0.0.1:5432/awning_bench]
"""

import argparse
import json
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/awning_bench")
    parser.add_argument("--managers", type=int, default=8)
    parser.add_argument("--moves", type=int, default=50, help="per manager")
    parser.add_argument("--think-ms", type=int, default=0, help="pause after each move, as a person would")
    args = parser.parse_args()

    from bench.setup import fresh_database, percentiles, sessions

    fresh_database(args.database_url)
    from accounts.roles import MANAGER
    from bench.clients import AdminClient
    from bench.server import gunicorn
    from testing.queue import bulk_queue

    numbers = bulk_queue(500)
    manager_sessions = sessions(args.managers, MANAGER)
    print(f"gunicorn gthread 3 workers x 2 threads, {args.database_url.split('://')[0]}; "
          f"{args.managers} managers x {args.moves} moves on a 500-order queue, {args.think_ms} ms between moves")
    with gunicorn(database_url=args.database_url) as base:
        clients = [AdminClient(base=base, session_id=s) for s in manager_sessions]
        for client in clients:
            client.get("/queue/")  # the page sets the CSRF cookie
            client.results.clear()
        move_ms, statuses = [], []

        def manager(index: int) -> None:
            client, rng, version = clients[index], random.Random(index), None
            for _ in range(args.moves):
                if version is None:
                    _, text = client.get("/queue/api/")
                    version = json.loads(text)["version"]
                status, body = client.post_json(f"/queue/api/orders/{rng.choice(numbers)}/move",
                                                {"version": version, "to_position": rng.randint(1, 500)})
                statuses.append(status)
                move_ms.append(client.results[-1].seconds * 1000)
                version = body.get("version")  # None after a 409: reload, as the page asks
                time.sleep(args.think_ms / 1000)

        with ThreadPoolExecutor(args.managers) as pool:
            list(pool.map(manager, range(args.managers)))
        p50, p95, p99 = percentiles(move_ms)
        print("| test | requests | p50 ms | p95 ms | p99 ms | 200 | 409 | errors |")
        print("|---|---|---|---|---|---|---|---|")
        print(f"| move (POST) | {len(statuses)} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {statuses.count(200)} "
              f"| {statuses.count(409)} | {sum(s not in (200, 409) for s in statuses)} |")

        bulk_queue(500, first_number=200_000)  # 1,000 in the queue now
        page_client = clients[0]
        page_client.results.clear()
        page_statuses = [page_client.get("/queue/")[0] for _ in range(40)]
        p50, p95, p99 = percentiles([r.seconds * 1000 for r in page_client.results])
        print(f"| queue page, 1,000 orders (GET) | 40 | {p50:.0f} | {p95:.0f} | {p99:.0f} | "
              f"{page_statuses.count(200)} | — | {sum(s != 200 for s in page_statuses)} |")
    print(f"\nqueries per queue page: {queries_per_page()}")


def queries_per_page() -> str:
    """Queries one GET /queue/ runs with the queue short and long (in-process, same database)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.roles import TECHNICIAN
    from bench.setup import bench_user
    from cleaning_queue.models import QueueEntry

    client = Client(SERVER_NAME="localhost")
    client.force_login(bench_user(TECHNICIAN))
    client.get("/queue/")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/queue/").status_code == 200
        return len(captured)

    long_queue = count()
    keep = list(QueueEntry.objects.order_by("position").values_list("pk", flat=True)[:10])
    entries = list(QueueEntry.objects.exclude(pk__in=keep).values_list("work_order", "position"))
    QueueEntry.objects.exclude(pk__in=keep).delete()
    short_queue = count()
    QueueEntry.objects.bulk_create(QueueEntry(work_order_id=w, position=p) for w, p in entries)
    return f"{short_queue} with 10 orders, {long_queue} with 1,000 orders"


if __name__ == "__main__":
    main()
