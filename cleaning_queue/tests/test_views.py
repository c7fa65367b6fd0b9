import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cleaning_queue.tests.factories import queued
from customers.tests.factories import SourceFactory
from repairs.tests.factories import RepairOrderFactory
from workorders import services
from workorders.models import WorkOrder
from workorders.stages import Stage

pytestmark = pytest.mark.django_db

QUEUE = reverse("queue:queue")


def act(client, order, action, **data):
    return client.post(reverse("queue:action", args=[order.number, action]), data)


def stage_of(order) -> str:
    return WorkOrder.objects.get(pk=order.pk).stage


def test_technicians_log_in_on_the_floor_login_and_land_on_the_queue(client, technician):
    from accounts.tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": technician.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert response.status_code == 200


def test_office_staff_start_in_the_admin(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")


def test_queue_page_lists_orders_in_order_with_drag_handles_only_for_managers(client, technician, manager):
    first, second = queued(days_ago=5), queued(days_ago=4)
    client.force_login(technician)
    page = client.get(QUEUE).content.decode()
    assert page.index(f"WO {first.number}") < page.index(f"WO {second.number}")
    assert 'class="handle"' not in page and "Sortable" not in page
    client.force_login(manager)
    page = client.get(QUEUE).content.decode()
    assert 'class="handle"' in page and "Sortable-1.15.6.min.js" in page


def test_filters_hide_sail_and_cushion_orders_and_switch_reordering_off(client, manager):
    loft = SourceFactory(name="North Sails", is_sail_loft=True)
    sail, cushion, plain = queued(ship_to=loft), queued(is_cushion=True), queued(name="Bimini for Qzxwell")
    client.force_login(manager)
    page = client.get(QUEUE, {"hide_sail": "1", "hide_cushion": "1"}).content.decode()
    assert f"WO {plain.number}" in page and f"WO {sail.number}" not in page and f"WO {cushion.number}" not in page
    assert "Reordering is off while the list is filtered" in page and 'class="handle"' not in page
    page = client.get(QUEUE, {"q": "qzxwell"}).content.decode()
    assert f"WO {plain.number}" in page and f"WO {sail.number}" not in page


def test_a_technician_moves_an_order_through_the_floor_stages(client, technician):
    order = queued()
    client.force_login(technician)
    act(client, order, "start")
    assert stage_of(order) == Stage.IN_PROGRESS
    act(client, order, "cleaned")
    board = client.get(reverse("queue:board-tab", args=["cleaned"])).content.decode()
    assert f"WO {order.number}" in board
    assert f"WO {order.number}" not in client.get(QUEUE).content.decode()
    act(client, order, "treated")
    act(client, order, "packaged", final_location="Shelf 4")
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.stage, row.final_location) == (Stage.PACKAGED, "Shelf 4")
    assert set(row.events.filter(kind="stage").values_list("actor", flat=True)) == {technician.pk}


def test_packaging_without_a_final_location_is_refused_with_a_message(client, technician):
    order = queued()
    client.force_login(technician)
    response = act(client, order, "packaged", final_location=" ")
    assert response.status_code == 302
    assert stage_of(order) == Stage.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert "Say where the packaged goods were put." in page


def test_completing_is_forbidden_to_technicians_even_without_the_button(client, technician, manager):
    order = queued()
    client.force_login(technician)
    assert "Complete</button>" not in client.get(reverse("queue:order", args=[order.number])).content.decode()
    assert act(client, order, "complete").status_code == 403
    assert stage_of(order) == Stage.QUEUED
    client.force_login(manager)
    act(client, order, "complete")
    assert stage_of(order) == Stage.COMPLETED


def test_starting_an_order_whose_repair_is_open_needs_confirmation(client, technician):
    order = queued()
    repair = RepairOrderFactory(customer=order.customer, work_order=order)
    client.force_login(technician)
    response = act(client, order, "start")
    assert response.status_code == 409
    assert f"Repair order {repair.number} for this work order is not complete" in response.content.decode()
    assert stage_of(order) == Stage.QUEUED
    act(client, order, "start", confirm_repair="1")
    assert stage_of(order) == Stage.IN_PROGRESS


def test_technicians_add_phone_photos(client, technician):
    order = queued()
    client.force_login(technician)
    photos = [SimpleUploadedFile(f"IMG_{n}.jpg", b"\xff\xd8\xff\xe0 photo", content_type="image/jpeg") for n in (1, 2)]
    client.post(reverse("queue:photos", args=[order.number]), {"photos": photos})
    assert sorted(order.files.values_list("original_name", flat=True)) == ["IMG_1.jpg", "IMG_2.jpg"]


def test_only_managers_reset_the_queue(client, technician, manager):
    client.force_login(technician)
    assert client.post(reverse("queue:reset")).status_code == 403
    client.force_login(manager)
    assert client.post(reverse("queue:reset")).status_code == 302


def test_board_tabs_and_unknown_tab(client, technician):
    client.force_login(technician)
    for tab in ("recent", "in_progress", "cleaned", "treated", "packaged"):
        assert client.get(reverse("queue:board-tab", args=[tab])).status_code == 200
    assert client.get("/queue/board/nonsense/").status_code == 404


def test_next_never_redirects_off_site(client, technician):
    order = queued()
    client.force_login(technician)
    response = act(client, order, "start", next="https://evil.example/")
    assert response["Location"] == reverse("queue:order", args=[order.number])


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
