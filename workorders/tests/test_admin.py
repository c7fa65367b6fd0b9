import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cleaning_queue.models import QueueEntry
from cleaning_queue.tests.factories import queued
from core.editing import DATE_REQUIRED_BEFORE_DATE_IN
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory, SourceFactory
from testing.admin_forms import AWNING, WORK_ORDER_ADD_URL, change_post, work_order_post
from workorders.models import CheckIn, WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory, WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:workorders_workorder_changelist")


def test_office_user_adds_a_work_order_with_items(office_client):
    customer = CustomerFactory(source=SourceFactory())
    response = office_client.post(WORK_ORDER_ADD_URL, work_order_post(customer, items=[AWNING]))
    assert response.status_code == 302, response.content.decode()[:2000]
    order = WorkOrder.objects.get()
    assert order.name == customer.name and order.ship_to == customer.source
    assert order.stage == Stage.AWAITING_QUOTE
    item = order.items.get()
    assert item.size == "8'9\"x10'2\"" and item.quantity == 2
    assert CatalogItem.objects.get(customer=customer).quantity == 2
    assert order.events.get().kind == "created"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"date_required": "2026-11-01"}, DATE_REQUIRED_BEFORE_DATE_IN),
        ({"customer": ""}, "This field is required."),
        ({"items-0-quantity": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"items-0-quantity": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"items-0-price": "-5"}, "Ensure this value is greater than or equal to 0."),
    ],
    ids=["date-required-before-date-in", "missing-customer", "negative-quantity", "zero-quantity", "negative-price"],
)
def test_bad_input_is_a_field_error_and_writes_nothing(office_client, change, error):
    customer = CustomerFactory()
    response = office_client.post(WORK_ORDER_ADD_URL, work_order_post(customer, items=[AWNING], **change))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not WorkOrder.objects.exists() and not CatalogItem.objects.exists()


def test_stale_admin_form_is_refused_and_changes_nothing(client, office_user, manager):
    order = WorkOrderFactory(rack_number="1 A")
    url = reverse("admin:workorders_workorder_change", args=[order.pk])
    first, second = change_post(order, rack_number="2 B"), change_post(order, rack_number="3 C")

    client.force_login(manager)
    assert client.post(url, first).status_code == 302
    client.force_login(office_user)
    response = client.post(url, second)

    assert response.status_code == 200
    assert f"changed by {manager.username}" in response.content.decode()
    order.refresh_from_db()
    assert (order.rack_number, order.version) == ("2 B", 2)


def test_unchanged_items_are_not_replaced_on_a_field_edit(office_client):
    order = WorkOrderFactory()
    item_ids = list(order.items.values_list("pk", flat=True))
    url = reverse("admin:workorders_workorder_change", args=[order.pk])
    assert office_client.post(url, change_post(order, rack_number="9 Z")).status_code == 302
    assert list(order.items.values_list("pk", flat=True)) == item_ids
    assert CatalogItem.objects.get().quantity == 1  # not counted again


def test_approve_quote_action_queues_awaiting_orders(client, manager):
    waiting = WorkOrderFactory.create_batch(2)
    client.force_login(manager)
    response = client.post(
        LIST_URL, {"action": "approve_quotes", "_selected_action": [o.pk for o in waiting]}, follow=True
    )
    assert "2 quote(s) approved" in response.content.decode()
    assert set(WorkOrder.objects.values_list("stage", flat=True)) == {Stage.QUEUED}


def test_only_managers_get_the_complete_action(client, office_user, manager):
    order = WorkOrderFactory()
    client.force_login(office_user)
    assert "complete_orders" not in client.get(LIST_URL).content.decode()
    client.force_login(manager)
    client.post(LIST_URL, {"action": "complete_orders", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.stage == Stage.COMPLETED and order.completed_on == datetime.date.today()


def test_work_order_changelist_query_count_does_not_grow_with_the_table(office_client):
    customers = [CustomerFactory(source=SourceFactory()) for _ in range(20)]

    def add_orders(start: int, count: int) -> None:
        # Bulk rows straight into the table: this test measures the list page, not the services.
        WorkOrder.objects.bulk_create(
            WorkOrder(number=n, customer=customers[n % 20], ship_to=customers[n % 20].source, name=f"Order {n}",
                      date_in=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 600))
            for n in range(start, start + count)
        )

    def queries_for_list_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = office_client.get(LIST_URL)
        assert response.status_code == 200
        return len(captured)

    add_orders(1, 100)
    queries_for_list_page()  # warm the shared cache (the source filter's choices)
    small = queries_for_list_page()
    add_orders(101, 4900)
    large = queries_for_list_page()
    assert small == large <= 12


def test_processed_check_in_cannot_be_changed_in_the_admin(client, manager):
    check_in = CheckInFactory()
    client.force_login(manager)
    client.post(
        reverse("admin:workorders_checkin_changelist"),
        {"action": "convert_to_work_orders", "_selected_action": [check_in.pk]},
    )
    check_in.refresh_from_db()
    assert check_in.status == CheckIn.Status.PROCESSED
    url = reverse("admin:workorders_checkin_change", args=[check_in.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page  # view-only page
    assert client.post(url, {"rack_number": "x"}).status_code == 403
    assert WorkOrder.objects.get().items.count() == 1


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
    data = change_post(order)
    data["items-0-quantity"] = "3"
    assert office_client.post(reverse("admin:workorders_workorder_change", args=[order.pk]), data).status_code == 302
    line = order.items.get()
    assert (line.quantity, line.catalog_item) == (3, item)
    assert CatalogItem.objects.get(pk=item.pk).quantity == item.quantity  # an edit, not a new item


def test_a_save_without_the_loaded_version_is_refused(office_client):
    order = WorkOrderFactory(rack_number="1 A")
    data = change_post(order, rack_number="9 Z")
    del data["loaded_version"]
    response = office_client.post(reverse("admin:workorders_workorder_change", args=[order.pk]), data)
    assert response.status_code == 200
    assert WorkOrder.objects.get(pk=order.pk).rack_number == "1 A"


def test_the_check_in_list_shows_how_many_are_pending(office_client):
    from workorders.services import convert_check_in
    from workorders.tests.factories import CheckInFactory

    CheckInFactory.create_batch(2)
    convert_check_in(check_in=CheckInFactory(), converted_by=None)
    page = office_client.get(reverse("admin:workorders_checkin_changelist")).content.decode()
    assert "Check-ins — 2 pending" in page


def test_a_clerk_who_may_not_see_items_saves_the_header_and_keeps_the_lines(client):
    """Without a permission on the items the page has no item inline; the save must not need one."""
    order = WorkOrderFactory(rack_number="1 A")
    clerk = User.objects.create_user(username="header-only", password="x", is_staff=True)
    for app, codename in (("workorders", "view_workorder"), ("workorders", "change_workorder"), ("customers", "view_customer")):
        clerk.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    client.force_login(clerk)
    body = {name: value for name, value in change_post(order, rack_number="2 B").items()
            if not name.startswith(("items-", "files-", "events-"))}

    response = client.post(reverse("admin:workorders_workorder_change", args=[order.pk]), body)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.rack_number == "2 B" and order.items.count() == 1
