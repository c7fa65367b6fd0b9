from decimal import Decimal

import pytest

from workorders.models import WorkOrderItem
from workorders.services import update_work_order
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


def test_item_lines_store_the_parsed_square_feet_of_their_size():
    order = WorkOrderFactory(items=[item_data(0, size="10'6\"x8'3\""), item_data(1, size="95#"), item_data(2, size="n/a")])
    assert list(WorkOrderItem.objects.order_by("pk").values_list("square_feet", flat=True)) == [
        Decimal("86.62"), None, None,
    ]
    update_work_order(fields={}, work_order=order, items=[item_data(0, size="8x10=80'")], expected_version=None,
                             updated_by=None)
    assert WorkOrderItem.objects.get().square_feet == Decimal("80.00")
