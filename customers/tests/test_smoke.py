import pytest

from customers.tests.factories import CatalogItemFactory, CustomerFactory
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_factories_create_through_services():
    item = CatalogItemFactory()
    order = WorkOrderFactory(customer=item.customer)
    assert order.number >= 1 and order.items.count() == 1
    assert CustomerFactory().number == item.customer.number + 1
