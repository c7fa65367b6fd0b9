"""The work-order admin inside Django's save sequence: what a save leaves in the History, and the
refusals a save can meet (a stale form, an order deleted meanwhile) versus bugs that must surface."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from core.choices import QuoteStatus
from core.editing import DELETED_MEANWHILE
from customers.models import CatalogItem
from customers.tests.factories import CustomerFactory
from testing.files import pdf, photo, stage
from workorders import services
from workorders.admin import WorkOrderAdmin
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:workorders_workorder_add")
LIST_URL = reverse("admin:workorders_workorder_changelist")
ITEM_COLUMNS = ("description", "material", "colour", "condition", "size", "quantity", "price")
# No quotes in the text, so it reads the same in the History page's HTML.
AWNING = item_data(0, size="10x12")
BIMINI = item_data(2, size="6x8")


def change_url(order) -> str:
    return reverse("admin:workorders_workorder_change", args=[order.pk])


def management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def order_post(order=None, *, customer=None, edit=None, delete=(), new=(), delete_files=(), new_files=(), **fields):
    """The change (or add) form as the page submits it: every current line and file as shown,
    ``edit`` ({line pk: {field: value}}) applied, ``delete`` lines and ``delete_files`` ticked,
    ``new`` lines typed into extra rows and ``new_files`` uploaded in the files inline."""
    lines = list(order.items.all()) if order else []
    files = list(order.files.all()) if order else []
    data = {
        "customer": (customer or order.customer).pk, "name": order.name if order else "",
        "quote": order.quote if order else QuoteStatus.NEEDED,
        "date_in": order.date_in.isoformat() if order else "2026-11-02", "date_required": "",
        "storage_time": "", "rack_number": order.rack_number if order else "", "return_to": "", "return_method": "",
        "special_instructions": "", "repair_note": "",
        **management("items", len(lines) + len(new), len(lines)),
        **management("files", len(files) + len(new_files), len(files)),
        **management("events", 0, 0),
    }
    data["initial-date_in"] = data["date_in"]  # a callable default: the page sends the value it showed
    if order:
        data["loaded_version"] = order.version
    for index, line in enumerate(lines):
        row = {name: getattr(line, name) if getattr(line, name) is not None else "" for name in ITEM_COLUMNS}
        row |= {"id": line.pk, "work_order": order.pk} | (edit or {}).get(line.pk, {})
        if line.pk in delete:
            row["DELETE"] = "on"
        data |= {f"items-{index}-{name}": value for name, value in row.items()}
    for index, row in enumerate(new, start=len(lines)):
        data |= {f"items-{index}-{name}": "" if row[name] is None else row[name] for name in ITEM_COLUMNS}
    for index, attachment in enumerate(files):
        data |= {f"files-{index}-id": attachment.pk, f"files-{index}-work_order": order.pk}
        if attachment.pk in delete_files:
            data[f"files-{index}-DELETE"] = "on"
    for index, upload in enumerate(new_files, start=len(files)):
        data[f"files-{index}-file"] = upload
    return data | fields


def history_of(order) -> str:
    entry = LogEntry.objects.filter(object_id=str(order.pk)).latest("pk")
    return entry.get_change_message()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_edited_item_and_an_added_file_are_in_the_history(office_client):
    order = WorkOrderFactory(items=[AWNING])
    line = order.items.get()

    response = office_client.post(
        change_url(order),
        order_post(order, edit={line.pk: {"quantity": 3}}, new_files=[photo("front.jpg")], rack_number="4 D"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    order.refresh_from_db()
    assert order.version == 2  # the header and the lines: one service call, one version bump
    assert order.items.get().quantity == 3
    assert history_of(order) == (
        "Changed Rack number. "
        "Changed Quantity for work order item “Awning · Sunbrella · Navy · 10x12”. "
        "Added work order file “front.jpg”."
    )
    page = office_client.get(reverse("admin:workorders_workorder_history", args=[order.pk])).content.decode()
    assert "Changed Quantity for work order item “Awning · Sunbrella · Navy · 10x12”." in page
    assert "Added work order file “front.jpg”." in page


def test_added_and_deleted_items_and_files_are_in_the_history(office_client, manager):
    order = WorkOrderFactory(items=[AWNING])
    old = services.add_work_order_file(work_order=order, staged=stage(pdf("old-quote.pdf")), uploaded_by=None)
    line = order.items.get()

    response = office_client.post(
        change_url(order),
        order_post(order, delete={line.pk}, new=[BIMINI], delete_files={old.pk}, add_files=[photo("back.jpg")]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert [str(item) for item in order.items.all()] == ["Bimini · Vinyl · White · 6x8"]
    assert list(order.files.values_list("original_name", flat=True)) == ["back.jpg"]
    message = history_of(order)
    assert "Added work order item “Bimini · Vinyl · White · 6x8”." in message
    assert "Deleted work order item “Awning · Sunbrella · Navy · 10x12”." in message
    assert "Deleted work order file “old-quote.pdf”." in message
    assert "Added work order file “back.jpg”." in message


def test_an_item_picked_from_the_catalog_is_in_the_history(office_client):
    order = WorkOrderFactory(items=[AWNING])
    picked = CatalogItem.objects.create(customer=order.customer, description="Cushion", description_key="cushion", size="2x2")

    response = office_client.post(change_url(order), order_post(order, add_from_catalog=[picked.pk]))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert [item.description for item in order.items.all()] == ["Awning", "Cushion"]
    assert "Added work order item “Cushion · 2x2”." in history_of(order)
    assert "for work order item" not in history_of(order)  # the kept line is not reported as changed


def test_a_save_that_touches_no_line_names_none(office_client):
    order = WorkOrderFactory(items=[AWNING])
    line_ids = list(order.items.values_list("pk", flat=True))

    assert office_client.post(change_url(order), order_post(order, rack_number="7 A")).status_code == 302

    assert history_of(order) == "Changed Rack number."
    assert list(order.items.values_list("pk", flat=True)) == line_ids


def test_an_added_order_is_logged_and_announced_as_the_saved_row(office_client, office_user):
    customer = CustomerFactory()

    response = office_client.post(ADD_URL, order_post(customer=customer, new=[AWNING], add_files=[photo("a.jpg")]))

    assert response.status_code == 302, response.content.decode()[:3000]
    order = WorkOrder.objects.get()
    assert response["Location"] == LIST_URL  # Django's own redirect after "Save"
    entry = LogEntry.objects.get(object_id=str(order.pk))
    assert (entry.user, entry.object_repr, entry.is_addition()) == (office_user, str(order), True)
    assert entry.get_change_message() == (
        "Added. Added work order item “Awning · Sunbrella · Navy · 10x12”. Added work order file “a.jpg”."
    )
    assert any(str(order) in message and "was added successfully" in message for message in messages_of(response))


def test_a_stale_form_is_refused_naming_who_saved(client, office_user, manager):
    order = WorkOrderFactory(items=[AWNING])
    line = order.items.get()
    first = order_post(order, rack_number="2 B")
    second = order_post(order, edit={line.pk: {"quantity": 5}})

    client.force_login(manager)
    assert client.post(change_url(order), first).status_code == 302
    client.force_login(office_user)
    response = client.post(change_url(order), second)

    assert response.status_code == 200
    assert f"changed by {manager.username}" in response.content.decode()
    order.refresh_from_db()
    assert (order.rack_number, order.version, order.items.get().quantity) == ("2 B", 2, 1)


def test_a_save_that_loses_the_race_under_the_lock_is_refused_naming_who_saved(office_client, manager, monkeypatch):
    # Someone saves between the form's own version check and the service's lock.
    order = WorkOrderFactory(items=[AWNING])
    real_update = services.update_work_order

    def someone_saves_first(**kwargs):
        real_update(work_order=order, fields={"rack_number": "9 Z"}, expected_version=None, updated_by=manager)
        return real_update(**kwargs)

    monkeypatch.setattr(services, "update_work_order", someone_saves_first)
    response = office_client.post(change_url(order), order_post(order, rack_number="1 A"))

    assert response.status_code == 302 and response["Location"] == change_url(order)
    assert any(f"changed by {manager.username}" in message for message in messages_of(response))
    order.refresh_from_db()
    assert (order.rack_number, order.version) == ("", 1)  # the whole admin transaction rolled back
    assert not LogEntry.objects.exists()


def test_an_order_deleted_before_the_lock_gives_the_deleted_meanwhile_message(office_client, monkeypatch):
    order = WorkOrderFactory(items=[AWNING])
    real_update = services.update_work_order

    def deleted_first(**kwargs):
        services.delete_work_order(work_order=order)
        return real_update(**kwargs)

    monkeypatch.setattr(services, "update_work_order", deleted_first)
    response = office_client.post(change_url(order), order_post(order, rack_number="1 A"))

    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert messages_of(response) == [DELETED_MEANWHILE.format(thing="work order")]
    assert not LogEntry.objects.exists()


def test_an_order_deleted_before_the_form_check_gives_the_deleted_meanwhile_message(office_client, monkeypatch):
    order = WorkOrderFactory(items=[AWNING])
    body = order_post(order, rack_number="1 A")
    real_get_object = WorkOrderAdmin.get_object

    def found_then_deleted(self, request, object_id, from_field=None):
        found = real_get_object(self, request, object_id, from_field)
        services.delete_work_order(work_order=found)
        return found

    monkeypatch.setattr(WorkOrderAdmin, "get_object", found_then_deleted)
    response = office_client.post(change_url(order), body)

    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert messages_of(response) == [DELETED_MEANWHILE.format(thing="work order")]


@pytest.mark.parametrize("model", [WorkOrder, CatalogItem], ids=["same-model", "other-model"])
def test_a_does_not_exist_that_is_not_the_lock_is_a_bug_and_surfaces(office_client, monkeypatch, model):
    order = WorkOrderFactory(items=[AWNING])

    def buggy_update(**kwargs):
        raise model.DoesNotExist("a lookup that should have found its row")

    monkeypatch.setattr(services, "update_work_order", buggy_update)
    with pytest.raises(model.DoesNotExist, match="should have found"):
        office_client.post(change_url(order), order_post(order, rack_number="1 A"))
