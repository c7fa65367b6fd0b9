"""The database itself enforces the customer and catalog invariants, even for code that skips
the services."""

import pytest
from django.db import IntegrityError, transaction

from customers.models import CatalogItem, Customer
from customers.tests.factories import CatalogItemFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_customer_number_is_unique_in_the_database():
    existing = CustomerFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(number=existing.number, name="Duplicate")

    assert Customer.objects.filter(number=existing.number).count() == 1


def test_customer_number_must_be_positive_in_the_database():
    customer = CustomerFactory()

    with pytest.raises(IntegrityError, match="customer_number_positive"), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(number=0)

    assert Customer.objects.get(pk=customer.pk).number == customer.number


def test_catalog_item_is_unique_per_customer_description_material_colour_condition_and_size():
    item = CatalogItemFactory(description="Main sail", material="Dacron", colour="White", condition="", size="95#")
    identity = {
        "customer": item.customer, "description_key": "main sail", "material": "Dacron", "colour": "White",
        "condition": "", "size": "95#",
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogItem.objects.create(**identity, description="MAIN SAIL", quantity=1)

    # Any one differing part of the key makes a distinct row.
    CatalogItem.objects.create(**identity | {"condition": "Torn"}, description="Main sail", quantity=1)
    CatalogItem.objects.create(**identity | {"customer": CustomerFactory()}, description="Main sail", quantity=1)
    assert CatalogItem.objects.count() == 3


def test_catalog_quantity_cannot_be_negative_in_the_database():
    item = CatalogItemFactory(quantity=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogItem.objects.filter(pk=item.pk).update(quantity=-1)

    CatalogItem.objects.filter(pk=item.pk).update(quantity=0)
    assert CatalogItem.objects.get(pk=item.pk).quantity == 0
