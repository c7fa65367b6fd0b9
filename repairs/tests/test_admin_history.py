"""The repair-order admin's History: item lines and files named, like the work order's."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from repairs.tests.factories import RepairOrderFactory
from testing.files import photo
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("name", "link_note", "quote", "item_type", "repair_type", "repaired_by", "material_list",
               "storage_time", "rack_number", "location", "final_location", "return_method", "return_to",
               "special_instructions")
ITEM_COLUMNS = ("description", "material", "colour", "condition", "size", "quantity", "price")


def management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def test_an_edited_line_a_link_and_an_attached_file_are_in_the_history(office_client):
    repair = RepairOrderFactory(items=[item_data(1, size="4x4")])
    line = repair.items.get()
    order = WorkOrderFactory(customer=repair.customer)
    data = {name: getattr(repair, name) for name in TEXT_FIELDS}
    data |= {"date_in": repair.date_in.isoformat(), "initial-date_in": repair.date_in.isoformat(), "date_required": "",
             "sent_out_on": "", "returned_on": "", "customer_price": "", "loaded_version": repair.version,
             "linked_work_order": order.pk, "add_files": [photo("seam.jpg")]}
    data |= management("items", 1, 1) | management("files", 0, 0)
    data |= {f"items-0-{name}": "" if getattr(line, name) is None else getattr(line, name) for name in ITEM_COLUMNS}
    data |= {"items-0-id": line.pk, "items-0-repair_order": repair.pk, "items-0-colour": "Red"}

    response = office_client.post(reverse("admin:repairs_repairorder_change", args=[repair.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    repair.refresh_from_db()
    assert (repair.work_order, repair.items.get().colour) == (order, "Red")
    assert LogEntry.objects.get(object_id=str(repair.pk)).get_change_message() == (
        "Changed Work order. Changed Colour for repair order item “Main sail · Dacron · Red · 4x4”. "
        "Added repair order file “seam.jpg”."
    )
