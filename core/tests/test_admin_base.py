"""core.admin_base.OrderListMixin: number-range search and CSV export of the order lists."""

import csv
import io

import pytest
from django.urls import reverse

from repairs.tests.factories import RepairOrderFactory
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:workorders_workorder_changelist")


@pytest.mark.parametrize("admin_name", ["workorders_workorder", "repairs_repairorder"])
def test_lists_search_by_number_range(office_client, admin_name):
    factory = WorkOrderFactory if admin_name.startswith("workorders") else RepairOrderFactory
    numbers = [factory().number for _ in range(6)]
    page = office_client.get(reverse(f"admin:{admin_name}_changelist"), {"q": f"{numbers[4]}-{numbers[1]}"})
    shown = {o.number for o in page.context["cl"].result_list}
    assert shown == set(numbers[1:5])


def test_csv_export_of_the_selected_orders(office_client):
    orders = [WorkOrderFactory(name='Awning "8\'9""'), WorkOrderFactory(name="Bimini, navy")]
    response = office_client.post(ORDERS, {"action": "export_csv", "_selected_action": [o.pk for o in orders]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Number", "Name", "Customer number", "Customer"]
    assert [row[1] for row in rows[1:]] == ["Bimini, navy", 'Awning "8\'9""']
    assert rows[1][4] == "Awaiting quote" and len(rows) == 3
    assert WorkOrder.objects.count() == 2
