import pytest
from django.urls import reverse

from repairs.models import RepairOrder
from repairs.tests.factories import RepairOrderFactory
from testing.admin_forms import inline_management
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("name", "link_note", "quote", "item_type", "repair_type", "repaired_by", "material_list",
               "storage_time", "rack_number", "location", "final_location", "return_method", "return_to",
               "special_instructions")


def repair_post(repair: RepairOrder, **fields) -> dict:
    data = {name: getattr(repair, name) for name in TEXT_FIELDS}
    data |= {"date_in": repair.date_in.isoformat(), "date_required": "", "sent_out_on": "", "returned_on": "",
             "customer_price": "", "loaded_version": repair.version, "linked_work_order": repair.work_order_id or ""}
    data |= inline_management("items", 0) | inline_management("files", 0)
    return data | fields


def test_linking_to_a_work_order_that_has_a_repair_order_is_a_field_error(office_client):
    order = WorkOrderFactory()
    RepairOrderFactory(customer=order.customer, work_order=order)
    other = RepairOrderFactory(customer=order.customer)
    url = reverse("admin:repairs_repairorder_change", args=[other.pk])
    response = office_client.post(url, repair_post(other, linked_work_order=order.pk))
    assert response.status_code == 200
    assert "is already linked to repair order" in response.content.decode()
    other.refresh_from_db()
    assert other.work_order is None


def test_relink_moves_the_link(office_client):
    order = WorkOrderFactory()
    first = RepairOrderFactory(customer=order.customer, work_order=order)
    other = RepairOrderFactory(customer=order.customer)
    url = reverse("admin:repairs_repairorder_change", args=[other.pk])
    response = office_client.post(url, repair_post(other, linked_work_order=order.pk, relink="on"))
    assert response.status_code == 302
    first.refresh_from_db()
    other.refresh_from_db()
    assert other.work_order == order and first.work_order is None
