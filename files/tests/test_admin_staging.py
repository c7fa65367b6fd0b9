"""The admin's file fields stage their uploads during validation, so the services receive
StagedFile objects and write rows only: the several-files field and the attachment inline, on a
work order, a check-in and a repair order."""

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from testing.admin_forms import AWNING, WORK_ORDER_ADD_URL, change_post, work_order_post
from testing.files import pdf, photo, stored
from workorders.models import WorkOrder
from workorders.tests.factories import CheckInFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_a_file_in_the_attachment_inline_is_staged_then_promoted(office_client, django_capture_on_commit_callbacks):
    order = WorkOrderFactory()
    body = change_post(order) | {"files-TOTAL_FORMS": "1", "files-0-file": photo("inline.jpg")}
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(reverse("admin:workorders_workorder_change", args=[order.pk]), body)
    assert response.status_code == 302
    attachment = order.files.get()
    assert (attachment.original_name, attachment.content_type) == ("inline.jpg", "image/jpeg")
    assert attachment.file.name == f"work-orders/{order.number}/inline.jpg" and attachment.thumbnail
    assert stored("staging/") == []


def test_a_refused_file_among_several_stages_none_of_them(office_client):
    body = work_order_post(CustomerFactory(), items=[AWNING], add_files=[photo("ok.jpg"), photo("page.jpg", kind="PNG")])
    response = office_client.post(WORK_ORDER_ADD_URL, body)
    assert response.status_code == 200 and "page.jpg is really a PNG file" in response.content.decode()
    assert not WorkOrder.objects.exists() and stored() == []


def test_a_check_in_s_files_are_staged_by_the_form_and_promoted(office_client, django_capture_on_commit_callbacks):
    check_in = CheckInFactory()
    url = reverse("admin:workorders_checkin_change", args=[check_in.pk])
    page = office_client.get(url)
    form = page.context["adminform"].form
    body = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    body |= {
        "customer": check_in.customer_id, "loaded_version": check_in.version, "add_files": [pdf()],
        "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0", "files-TOTAL_FORMS": "0", "files-INITIAL_FORMS": "0",
    }
    for key in ("date_in", "date_required"):
        body[key] = str(getattr(check_in, key) or "")
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(url, body)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert check_in.files.get().file.name == f"check-ins/{check_in.pk}/quote.pdf"
