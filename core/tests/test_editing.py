"""core.editing's locks: a row gone under the lock is a refusal naming what was deleted."""

import pytest
from django.db import transaction

from core.editing import DELETED_MEANWHILE
from core.errors import DeletedMeanwhile, DomainError
from core.locks import lock_for_edit, lock_row
from customers.models import Customer, Source
from customers.tests.factories import CustomerFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_locking_a_row_deleted_meanwhile_is_a_refusal_that_names_it():
    customer = CustomerFactory()
    Customer.objects.filter(pk=customer.pk).delete()

    with transaction.atomic(), pytest.raises(DeletedMeanwhile) as refused:
        lock_for_edit(Customer.objects, pk=customer.pk, expected_version=1)

    assert isinstance(refused.value, DomainError)  # shown as a message wherever refusals are
    assert str(refused.value) == DELETED_MEANWHILE.format(thing="customer")
    assert (refused.value.model, refused.value.pk) == (Customer, customer.pk)


def test_lock_row_returns_the_row_when_it_is_there():
    source = SourceFactory(name="Harbour Canvas")
    with transaction.atomic():
        assert lock_row(Source.objects, pk=source.pk).name == "Harbour Canvas"
