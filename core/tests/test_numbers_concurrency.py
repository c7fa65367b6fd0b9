"""Findings 1–3: document numbers never duplicated and never skipped, whatever the load."""

import time

import pytest
from django.db import connection, transaction

from customers.models import Customer
from customers.services import create_customer
from customers.tests.factories import CustomerFactory
from repairs.models import RepairOrder
from repairs.services import create_repair_order
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from workorders.models import WorkOrder
from workorders.services import create_work_order

pytestmark = concurrency_marks()

THREADS, PER_THREAD = 32, 64


class InjectedFailure(Exception):
    pass


def _create_one(kind: int, customer: Customer, label: str) -> None:
    if kind == 0:
        create_customer(fields={"name": label}, created_by=None)
    elif kind == 1:
        create_work_order(customer=customer, fields={"name": label}, items=[], created_by=None)
    else:
        create_repair_order(customer=customer, fields={"name": label}, items=[], created_by=None)


def _hammer(fail_every: int | None) -> list:
    customer_pk = CustomerFactory().pk

    def work(thread: int) -> int:
        customer = Customer.objects.get(pk=customer_pk)
        failed = 0
        for k in range(PER_THREAD):
            kind, label = (thread + k) % 3, f"t{thread}-{k}"
            if fail_every and k % fail_every == fail_every - 1:
                try:
                    with transaction.atomic():
                        _create_one(kind, customer, label)
                        raise InjectedFailure  # after the number was taken
                except InjectedFailure:
                    failed += 1
            else:
                _create_one(kind, customer, label)
        return failed

    return run_concurrently(THREADS, work)


def _assert_contiguous(model) -> list[int]:
    numbers = sorted(model.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)), f"{model.__name__}: gaps or duplicates"
    return numbers


def test_numbers_are_distinct_and_contiguous_under_load():
    results = _hammer(fail_every=None)
    assert not errors_in(results)
    total = sum(len(_assert_contiguous(model)) for model in (Customer, WorkOrder, RepairOrder))
    assert total == THREADS * PER_THREAD + 1  # + the customer the orders belong to


def test_rolled_back_creations_give_their_numbers_back():
    results = _hammer(fail_every=4)
    assert not errors_in(results)
    assert sum(results) == THREADS * PER_THREAD // 4
    total = sum(len(_assert_contiguous(model)) for model in (Customer, WorkOrder, RepairOrder))
    assert total == THREADS * PER_THREAD * 3 // 4 + 1


@pytest.fixture
def legacy_table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE legacy_numbers (number integer NOT NULL)")
    yield "legacy_numbers"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE legacy_numbers")


def test_negative_control_legacy_max_plus_one_hands_out_duplicates(legacy_table):
    """The legacy MAX()+1 logic under the same load must show duplicates, or this file proves nothing."""

    def work(thread: int) -> None:
        for _ in range(PER_THREAD):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(number), 0) + 1 FROM {legacy_table}")
                (number,) = cursor.fetchone()
                time.sleep(0)  # the legacy request did Python work here; let another thread run
                cursor.execute(f"INSERT INTO {legacy_table} (number) VALUES (%s)", [number])

    assert not errors_in(run_concurrently(THREADS, work))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT number) FROM {legacy_table}")
        rows, distinct = cursor.fetchone()
    assert rows == THREADS * PER_THREAD
    assert distinct < rows, "the naive numbering produced no duplicate: the load is not concurrent enough"
