"""services.create_repair_order: numbering, fields, items, refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from sequences import get_last_value

from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from core.numbering import REPAIR_ORDER_NUMBER
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory
from repairs import services
from repairs.models import RepairOrder
from repairs.tests.factories import RepairOrderFactory
from workorders.tests.factories import item_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_create_repair_order_takes_the_next_consecutive_number(office_user):
    customer = CustomerFactory()

    first = services.create_repair_order(customer=customer, fields={}, items=[item_data()], created_by=office_user)
    second = services.create_repair_order(customer=customer, fields={}, items=[item_data()], created_by=office_user)

    assert first.number >= 1
    assert second.number == first.number + 1 == get_last_value(REPAIR_ORDER_NUMBER)
    row = RepairOrder.objects.get(pk=first.pk)
    assert (row.created_by, row.updated_by, row.version, row.work_order) == (office_user, office_user, 1, None)


def test_repair_order_name_defaults_to_the_customer_name():
    customer = CustomerFactory(name="Severn Boat Club")

    defaulted = RepairOrderFactory(customer=customer)
    named = RepairOrderFactory(customer=customer, name="Jib repair")

    assert RepairOrder.objects.get(pk=defaulted.pk).name == "Severn Boat Club"
    assert RepairOrder.objects.get(pk=named.pk).name == "Jib repair"


def test_repair_order_items_never_touch_the_catalog():
    known = CatalogItemFactory(description="Main sail", quantity=2)

    repair = RepairOrderFactory(
        customer=known.customer,
        items=[item_data(0, quantity=3), {"description": "Main sail", "material": known.material, "quantity": 1}],
    )

    assert list(repair.items.values_list("description", "quantity", "catalog_item")) == [
        ("Awning", 3, None), ("Main sail", 1, None),
    ]
    assert list(CatalogItem.objects.values_list("pk", "quantity")) == [(known.pk, 2)]


def test_create_repair_order_refuses_bad_input_and_writes_nothing():
    customer = CustomerFactory()
    before = RepairOrderFactory(customer=customer).number

    with pytest.raises(ValidationError) as caught:
        services.create_repair_order(
            customer=customer, fields={"date_in": TODAY, "date_required": TODAY - datetime.timedelta(days=1)},
            items=[item_data()], created_by=None,
        )
    assert caught.value.message_dict == {"date_required": [DATE_REQUIRED_BEFORE_DATE_IN]}

    with pytest.raises(ValidationError) as caught:
        services.create_repair_order(
            customer=customer, fields={}, items=[item_data(price=Decimal("-3"))], created_by=None
        )
    assert caught.value.messages[0].startswith("Item 1: price: ")

    assert RepairOrder.objects.count() == 1
    assert RepairOrderFactory(customer=customer).number == before + 1
