"""Findings 1–3 end to end: 32 logged-in clients post the admin "add work order" form to gunicorn."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.roles import OFFICE
from accounts.tests.factories import make_user
from bench.clients import AdminClient, work_order_form
from bench.server import gunicorn, session_id_for
from customers.tests.factories import CustomerFactory
from workorders.models import WorkOrder

pytestmark = [pytest.mark.http, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLIENTS, SUBMISSIONS = 32, 256
ADD_PATH = "/admin/workorders/workorder/add/"


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_admin_add_form_under_http_load_gives_distinct_contiguous_numbers():
    customers = [CustomerFactory().pk for _ in range(8)]
    sessions = [session_id_for(make_user(OFFICE)) for _ in range(CLIENTS)]

    with gunicorn(database_url=_database_url()) as base:
        clients = [AdminClient(base=base, session_id=session) for session in sessions]

        def submit(n: int) -> int:
            client = clients[n % CLIENTS]
            token = client.form_token(ADD_PATH)
            return client.post(ADD_PATH, work_order_form(customer_pk=customers[n % 8], token=token, label=f"load {n}"))

        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(submit, range(SUBMISSIONS)))

    assert [s for s in statuses if s >= 500] == []
    assert statuses == [302] * SUBMISSIONS
    numbers = sorted(WorkOrder.objects.values_list("number", flat=True))
    assert numbers == list(range(1, SUBMISSIONS + 1))
    assert WorkOrder.objects.filter(items__isnull=False).distinct().count() == SUBMISSIONS
