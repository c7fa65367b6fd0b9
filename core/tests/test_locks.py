"""core.locks: the helpers refuse to run outside a transaction and lock in the documented way."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import locks
from core.errors import DeletedMeanwhile, StaleEditError
from customers.models import Customer
from customers.tests.factories import CustomerFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks: Django leaves FOR UPDATE out of the SQL"
)

# Every helper, called as a service would call it. Outside a transaction each must refuse before
# it sends a query (pytest-django would refuse the query anyway: these tests have no database).
HELPERS = {
    "lock_for_edit": lambda: locks.lock_for_edit(Customer, pk=1, expected_version=None),
    "lock_check_in": lambda: locks.lock_check_in(Customer, pk=1),
    "lock_work_order": lambda: locks.lock_work_order(Customer, pk=1, key_change=True),
    "lock_repair_orders": lambda: locks.lock_repair_orders(Customer.objects.all(), key_change=True),
    "lock_catalog_items": lambda: locks.lock_catalog_items(Customer.objects.all()),
    "lock_queue": lambda: locks.lock_queue(Customer, pk=1),
    "lock_attachments": lambda: locks.lock_attachments(Customer.objects.all()),
    "lock_rows": lambda: locks.lock_rows(Customer.objects.all()),
    "lock_row": lambda: locks.lock_row(Customer, pk=1),
}


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_each_helper_refuses_to_run_outside_a_transaction(name):
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(locks.LockOutsideTransaction, match=name):
        HELPERS[name]()


def test_every_helper_is_tested_for_the_refusal():
    helpers = {name for name in dir(locks) if name.startswith("lock_") and callable(getattr(locks, name))}
    assert helpers == set(HELPERS)


def test_the_order_is_written_once_and_the_docstring_follows_it():
    assert len(set(locks.LOCK_ORDER)) == len(locks.LOCK_ORDER)
    listed = [re.match(r"(\d)\. (.+?)\s{2,}", line) for line in locks.__doc__.splitlines()]
    assert [(int(m[1]), m[2]) for m in listed if m] == list(enumerate(locks.LOCK_ORDER, start=1))


@pytest.mark.django_db
def test_a_row_deleted_before_its_lock_is_refused_as_deleted_meanwhile():
    with transaction.atomic(), pytest.raises(DeletedMeanwhile) as refused:
        locks.lock_for_edit(Customer, pk=987_654, expected_version=None)
    assert refused.value.model is Customer and refused.value.pk == 987_654


@pytest.mark.django_db
def test_inside_a_transaction_lock_for_edit_returns_the_row_and_refuses_a_stale_version():
    customer = CustomerFactory()
    with transaction.atomic():
        assert locks.lock_for_edit(Customer, pk=customer.pk, expected_version=customer.version) == customer
        with pytest.raises(StaleEditError):
            locks.lock_for_edit(Customer.objects.all(), pk=customer.pk, expected_version=customer.version + 1)


@pytest.mark.django_db
@postgresql_only
def test_several_rows_are_locked_in_pk_order_no_key_unless_the_key_changes():
    customers = [CustomerFactory() for _ in range(3)]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        rows = locks.lock_rows(Customer.objects.filter(pk__in=[c.pk for c in reversed(customers)]))
        locks.lock_attachments(Customer.objects.filter(pk=customers[1].pk))
        locks.lock_work_order(Customer, pk=customers[0].pk)
    assert [row.pk for row in rows] == sorted(c.pk for c in customers)
    first, full, one = (q["sql"] for q in queries.captured_queries)
    assert 'ORDER BY "customers_customer"."id" ASC' in first and first.endswith("FOR NO KEY UPDATE")
    assert full.endswith("FOR UPDATE") and "NO KEY" not in full
    assert one.endswith("FOR NO KEY UPDATE")
