"""Uploading and downloading through the pages: the admin, the floor, the JSON API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from files.views import download_url
from testing.admin_forms import AWNING, WORK_ORDER_ADD_URL, work_order_post
from testing.files import pdf, photo, stage
from workorders import services
from workorders.models import WorkOrder, WorkOrderFile
from workorders.tests.factories import CheckInFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db
HTML_AS_JPEG = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def test_the_office_attaches_several_files_at_once_in_the_admin(office_client, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    body = work_order_post(customer, items=[AWNING], add_files=[photo("front.jpg"), photo("back.jpg"), pdf()])
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(WORK_ORDER_ADD_URL, body)
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    names = sorted(order.files.values_list("file", flat=True))
    assert names == [f"work-orders/{order.number}/{name}" for name in ("back.jpg", "front.jpg", "quote.pdf")]
    page = office_client.get(reverse("admin:workorders_workorder_change", args=[order.pk])).content.decode()
    front = order.files.get(original_name="front.jpg")
    assert download_url(front, thumbnail=True) in page and "/media/" not in page


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("big.jpg", b"\xff\xd8\xff\xe0" + b"0" * 2048), "big.jpg is larger than 0.000976562 MB; nothing was attached."),
        (SimpleUploadedFile("photo.jpg", HTML_AS_JPEG), "photo.jpg is not a file type the shop accepts"),
        (SimpleUploadedFile("empty.pdf", b""), "The submitted file is empty."),
    ],
    ids=["oversize", "html-renamed-to-jpg", "empty"],
)
def test_a_bad_file_is_a_form_error_and_nothing_is_saved(office_client, settings, upload, error):
    settings.UPLOAD_MAX_BYTES = 1024
    response = office_client.post(WORK_ORDER_ADD_URL, work_order_post(CustomerFactory(), items=[AWNING], add_files=[photo("ok.jpg", size=(4, 4)), upload]))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not WorkOrder.objects.exists() and not WorkOrderFile.objects.exists()


def test_a_bad_file_in_the_files_inline_is_a_form_error(office_client):
    body = work_order_post(CustomerFactory(), items=[AWNING])
    body.update({"files-TOTAL_FORMS": "1", "files-0-file": SimpleUploadedFile("photo.jpg", HTML_AS_JPEG)})
    response = office_client.post(WORK_ORDER_ADD_URL, body)
    assert response.status_code == 200 and "photo.jpg is not a file type the shop accepts" in response.content.decode()
    assert not WorkOrder.objects.exists()


# --- the floor's JSON upload API -----------------------------------------------------------------


def api_url(order) -> str:
    return reverse("queue:api-files", args=[order.number])


def test_the_api_attaches_phone_photos_and_answers_201(client, technician):
    order = WorkOrderFactory()
    client.force_login(technician)
    response = client.post(api_url(order), {"files": [photo("IMG_1.jpg"), photo("IMG_2.jpg")]})
    assert response.status_code == 201
    assert [file["name"] for file in response.json()["files"]] == ["IMG_1.jpg", "IMG_2.jpg"]
    assert order.files.count() == 2


@pytest.mark.parametrize(
    ("upload", "status"),
    [
        (SimpleUploadedFile("big.jpg", b"\xff\xd8\xff\xe0" + b"0" * 2048), 413),
        (SimpleUploadedFile("photo.jpg", HTML_AS_JPEG), 400),
        (SimpleUploadedFile("empty.jpg", b""), 400),
    ],
    ids=["oversize-413", "disguised-400", "empty-400"],
)
def test_the_api_refuses_bad_files_with_a_reason_and_attaches_none(client, technician, settings, upload, status):
    settings.UPLOAD_MAX_BYTES = 1024
    order = WorkOrderFactory()
    client.force_login(technician)
    response = client.post(api_url(order), {"files": [photo("ok.jpg", size=(4, 4)), upload]})
    assert response.status_code == status
    assert upload.name in response.json()["error"]
    assert not order.files.exists()


def test_the_api_wants_a_login_and_the_add_permission(client, technician):
    order = WorkOrderFactory()
    assert client.post(api_url(order), {"files": [photo()]}).status_code == 401
    technician.groups.clear()
    client.force_login(technician)
    assert client.post(api_url(order), {"files": [photo()]}).status_code == 403


# --- downloads -----------------------------------------------------------------------------------


def test_downloads_come_through_our_view_behind_the_login(client, technician, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(pdf()), uploaded_by=None)
    url = download_url(attachment)
    assert client.get(url).status_code == 302 and "login" in client.get(url)["Location"]
    client.force_login(technician)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline")


def test_the_floor_page_shows_thumbnails_through_our_view(client, technician, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_work_order_file(work_order=order, staged=stage(photo()), uploaded_by=None)
    client.force_login(technician)
    page = client.get(reverse("queue:order", args=[order.number])).content.decode()
    assert download_url(attachment, thumbnail=True) in page
    thumbnail = client.get(download_url(attachment, thumbnail=True))
    assert thumbnail.status_code == 200 and b"".join(thumbnail.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_technician_cannot_download_check_in_files(client, technician, office_user):
    check_in = CheckInFactory()
    attachment = services.add_check_in_file(check_in=check_in, staged=stage(pdf()), uploaded_by=None)
    client.force_login(technician)
    assert client.get(download_url(attachment)).status_code == 403
    client.force_login(office_user)
    assert client.get(download_url(attachment)).status_code == 200


def test_unknown_kinds_and_rows_are_404(client, office_user):
    client.force_login(office_user)
    assert client.get("/files/invoice/1/").status_code == 404
    assert client.get("/files/work-order/999999/").status_code == 404
