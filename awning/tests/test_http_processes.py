"""Correct across processes: one gunicorn, 3 worker processes, PostgreSQL + Redis, as in production.

gunicorn's access log names the process that served each request, so each test shows that
several workers really took part instead of assuming it.
"""

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection

from accounts.roles import MANAGER, OFFICE
from accounts.tests.factories import make_user
from bench.clients import AdminClient, work_order_form
from bench.server import gunicorn, session_id_for
from customers.services import update_source
from customers.tests.factories import CustomerFactory, SourceFactory
from workorders.models import WorkOrder

WORKERS = 3
pytestmark = [
    pytest.mark.http,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="multi-process production setup needs PostgreSQL + Redis; the embedded default's file cache "
        "and serialised SQLite writers are covered by the thread tests",
    ),
]
ADD_ORDER = "/admin/workorders/workorder/add/"
ORDER_LIST = "/admin/workorders/workorder/"
LOGIN = "/accounts/login/"
ACCESS_LINE = re.compile(r"^<?(\d+)>? (\S+) (\S+) (\d{3})$")  # gunicorn writes the pid as <1234>


@dataclass
class Server:
    base: str
    access_log: Path

    def requests(self) -> list[tuple[int, str, str, int]]:
        """(pid, method, path, status) of every request served so far."""
        lines = self.access_log.read_text().splitlines()
        return [(int(m[1]), m[2], m[3], int(m[4])) for m in map(ACCESS_LINE.match, lines) if m]

    def pids_since(self, mark: int, method: str, path: str) -> set[int]:
        return {pid for pid, m, p, _ in self.requests()[mark:] if m == method and p == path}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "access.log"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    args = ["--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"]
    with gunicorn(database_url=url, workers=WORKERS, threads=2, extra_args=args) as base:
        yield Server(base, log)


def _until_every_worker_answered(
    server: Server, path: str, fetch: Callable[[], object], method: str = "GET", rounds: int = 20,
) -> list:
    """Bursts of concurrent requests until each worker process has served `method path` (bounded)."""
    mark, answers = len(server.requests()), []
    with ThreadPoolExecutor(6) as pool:
        for _ in range(rounds):
            answers += pool.map(lambda _: fetch(), range(6))
            time.sleep(0.05)  # the access log is written just after each answer
            if len(server.pids_since(mark, method, path)) == WORKERS:
                return answers
    raise AssertionError(f"only {server.pids_since(mark, method, path)} served {method} {path} in {rounds} rounds")


def test_every_worker_reports_healthy_from_its_first_request(server):
    client = AdminClient(base=server.base, session_id="")
    statuses = _until_every_worker_answered(server, "/health/", lambda: client.get("/health/")[0])
    assert set(statuses) == {200}


def test_concurrent_work_orders_from_several_processes_get_distinct_contiguous_numbers(server):
    customers = [CustomerFactory().pk for _ in range(4)]
    clients = [AdminClient(base=server.base, session_id=session_id_for(make_user(OFFICE))) for _ in range(8)]
    mark = len(server.requests())

    def submit(n: int) -> int:
        client = clients[n % len(clients)]
        form = work_order_form(customer_pk=customers[n % 4], token=client.form_token(ADD_ORDER), label=f"proc {n}")
        return client.post(ADD_ORDER, form)

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(submit, range(24)))

    assert statuses == [302] * 24
    assert sorted(WorkOrder.objects.values_list("number", flat=True)) == list(range(1, 25))
    time.sleep(0.2)
    assert len(server.pids_since(mark, "POST", ADD_ORDER)) >= 2, "the orders should come from several processes"


def test_a_cache_change_is_seen_by_every_worker(server):
    source = SourceFactory(name="Harbor Loft")
    client = AdminClient(base=server.base, session_id=session_id_for(make_user(OFFICE)))

    def page() -> str:
        status, text = client.get(ORDER_LIST)
        assert status == 200
        return text

    assert all("Harbor Loft" in text for text in _until_every_worker_answered(server, ORDER_LIST, page))

    # Negative control: a write that skips the service (and so the invalidation) is not seen by
    # any worker; they all answer from the one shared cache, not from their own database reads.
    type(source).objects.filter(pk=source.pk).update(name="Written Behind The Cache")
    assert all("Harbor Loft" in text for text in _until_every_worker_answered(server, ORDER_LIST, page))

    # The service invalidates after its commit, in this (fourth) process: every worker sees it.
    update_source(source=source, fields={"name": "Renamed Loft"})
    pages = _until_every_worker_answered(server, ORDER_LIST, page)
    assert all("Renamed Loft" in text and "Harbor Loft" not in text for text in pages)


def test_the_login_lockout_is_counted_across_workers(server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the server reads
    ana = make_user(MANAGER, username="ana")
    ana.set_password("tarp-Harbor-41-mildew")
    ana.save()
    limit = settings.AXES_FAILURE_LIMIT

    def login(password: str) -> int:
        client = AdminClient(base=server.base, session_id="")
        token = client.form_token(LOGIN)
        return client.post(LOGIN, {"csrfmiddlewaretoken": token, "username": "ana", "password": password})

    with ThreadPoolExecutor(limit - 1) as pool:
        assert list(pool.map(lambda _: login("wrong"), range(limit - 1))) == [200] * (limit - 1)
    assert login("wrong") == 429
    assert AccessAttempt.objects.get(username="ana").failures_since_start == limit
    # Every worker refuses the right password now, also those that saw none of the failures
    # (wherever the kernel sent them, at least two of the three workers saw fewer than `limit`):
    # per-process counting would let those in.
    assert set(_until_every_worker_answered(server, LOGIN, lambda: login("tarp-Harbor-41-mildew"), "POST")) == {429}
