"""Run real threads against the real database, released together by a barrier.

Each thread gets its own database connection (Django opens one per thread) and closes it when
done. Exceptions are returned in place of results so the test can assert on refusals; a thread
that does not finish in time fails the test (a deadlock or a hang).
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

JOIN_TIMEOUT = 180


def run_concurrently(count: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            connection.ensure_connection()  # connect first, so the barrier releases ready threads
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 — handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    hung = sum(thread.is_alive() for thread in threads)
    assert not hung, f"{hung} of {count} threads did not finish in {JOIN_TIMEOUT}s (deadlock?)"
    return results


def errors_in(results: list[Any], allowed: tuple[type[BaseException], ...] = ()) -> list[BaseException]:
    """Exceptions other than the allowed (expected) refusals."""
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, allowed)]


def concurrency_marks():
    import pytest

    # transaction=True: the threads need committed rows; the flush after each test empties the tables.
    return [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
