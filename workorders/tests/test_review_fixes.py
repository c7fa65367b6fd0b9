"""Regressions found in review: each test failed before its fix."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.choices import QuoteStatus
from cleaning_queue.models import QueueEntry
from cleaning_queue.tests.factories import queued
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory
from repairs.tests.factories import RepairOrderFactory
from workorders import services
from workorders.models import WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data
from workorders.tests.test_admin import _change_post

pytestmark = pytest.mark.django_db


def test_a_manager_deletes_a_work_order_in_the_admin_and_the_queue_closes_up(client, manager):
    first, doomed, last = queued(days_ago=3), queued(days_ago=2), queued(days_ago=1)
    client.force_login(manager)
    url = reverse("admin:workorders_workorder_delete", args=[doomed.pk])
    assert "Cannot delete" not in client.get(url).content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not WorkOrder.objects.filter(pk=doomed.pk).exists()
    assert list(QueueEntry.objects.order_by("position").values_list("work_order", "position")) == [
        (first.pk, 1), (last.pk, 2)
    ]


def test_editing_one_line_in_the_admin_keeps_every_lines_catalog_link(office_client):
    item = CatalogItemFactory()
    order = WorkOrderFactory(customer=item.customer, items=[item_data(catalog_item=item, description=item.description)])
    data = _change_post(order)
    data["items-0-quantity"] = "3"
    assert office_client.post(reverse("admin:workorders_workorder_change", args=[order.pk]), data).status_code == 302
    line = order.items.get()
    assert (line.quantity, line.catalog_item) == (3, item)
    assert CatalogItem.objects.get(pk=item.pk).quantity == item.quantity  # an edit, not a new item


def test_a_save_without_the_loaded_version_is_refused(office_client):
    order = WorkOrderFactory(rack_number="1 A")
    data = _change_post(order, rack_number="9 Z")
    del data["loaded_version"]
    response = office_client.post(reverse("admin:workorders_workorder_change", args=[order.pk]), data)
    assert response.status_code == 200
    assert WorkOrder.objects.get(pk=order.pk).rack_number == "1 A"


def test_start_anyway_from_the_rendered_warning_lands_on_the_order_page(client, technician):
    order = queued()
    RepairOrderFactory(customer=order.customer, work_order=order)
    client.force_login(technician)
    warning = client.post(reverse("queue:action", args=[order.number, "start"]), {"next": "/queue/"})
    page = warning.content.decode()
    next_value = page.split('name="confirm_repair"')[0].rsplit('name="next" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        reverse("queue:action", args=[order.number, "start"]),
        {"next": next_value.replace("&amp;", "&"), "confirm_repair": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("queue:order", args=[order.number]))
    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.IN_PROGRESS


@pytest.mark.parametrize("text", ["²", "１２", "9" * 40])
def test_odd_digits_in_a_search_are_no_server_error(client, technician, text):
    client.force_login(technician)
    assert client.get(reverse("queue:queue"), {"q": text}).status_code == 200
    assert client.get(reverse("queue:board"), {"q": text}).status_code == 200


def test_a_too_long_final_location_is_refused_with_a_message(client, technician):
    order = queued()
    client.force_login(technician)
    response = client.post(reverse("queue:action", args=[order.number, "packaged"]), {"final_location": "x" * 150}, follow=True)
    assert response.status_code == 200
    assert services.FINAL_LOCATION_TOO_LONG in response.content.decode()
    assert WorkOrder.objects.get(pk=order.pk).stage == Stage.QUEUED


def test_the_quote_of_an_order_in_progress_cannot_be_withdrawn_and_back_to_queue_keeps_it(technician, manager):
    order = services.change_work_order_stage(work_order=queued(), to_stage=Stage.IN_PROGRESS, changed_by=technician)
    with pytest.raises(ValidationError) as caught:
        services.update_work_order(work_order=order, fields={"quote": QuoteStatus.NEEDED}, expected_version=None, updated_by=manager)
    assert caught.value.message_dict == {"quote": [services.QUOTE_FIXED_IN_PROGRESS]}
    back = services.change_work_order_stage(work_order=order, to_stage=Stage.QUEUED, changed_by=technician)
    assert (back.stage, back.quote) == (Stage.QUEUED, QuoteStatus.APPROVED)
    assert QueueEntry.objects.filter(work_order=order).exists()


def test_photos_over_the_size_limit_or_empty_are_refused_and_none_are_kept(client, technician, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    order = queued()
    client.force_login(technician)
    photos = [
        SimpleUploadedFile("ok.jpg", b"\xff\xd8\xff\xe0" + b"x" * 100, content_type="image/jpeg"),
        SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff\xe0" + b"x" * 5000, content_type="image/jpeg"),
    ]
    response = client.post(reverse("queue:photos", args=[order.number]), {"photos": photos}, follow=True)
    assert "huge.jpg is larger than" in response.content.decode()
    assert not order.files.exists()
    empty = SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg")
    response = client.post(reverse("queue:photos", args=[order.number]), {"photos": [empty]}, follow=True)
    assert "empty.jpg is empty" in response.content.decode() and not order.files.exists()


def test_a_web_page_renamed_to_jpg_is_refused_on_the_floor(client, technician):
    order = queued()
    client.force_login(technician)
    page = SimpleUploadedFile("IMG_1.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = client.post(reverse("queue:photos", args=[order.number]), {"photos": [page]}, follow=True)
    assert "IMG_1.jpg is not a file type the shop accepts" in response.content.decode()
    assert not order.files.exists()
