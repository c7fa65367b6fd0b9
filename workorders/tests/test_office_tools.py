"""The office's daily tools in the admin: quotes, the catalog pick list, list search and export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from core.choices import QuoteStatus
from cleaning_queue.models import QueueEntry
from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory
from repairs.tests.factories import RepairOrderFactory
from workorders.models import WorkOrder
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory, item_data
from workorders.tests.test_admin import _change_post

pytestmark = pytest.mark.django_db

QUOTES = reverse("admin:workorders_quoterequest_changelist")
ORDERS = reverse("admin:workorders_workorder_changelist")


def test_the_quotes_list_shows_orders_awaiting_approval_newest_first(office_client):
    today = datetime.date.today()
    old = WorkOrderFactory(date_in=today - datetime.timedelta(days=9), name="Old awning")
    new = WorkOrderFactory(date_in=today - datetime.timedelta(days=1), name="New awning")
    approved = WorkOrderFactory(quote=QuoteStatus.APPROVED, name="Already queued")
    page = office_client.get(QUOTES).content.decode()
    assert page.index("New awning") < page.index("Old awning")
    assert "Already queued" not in page
    assert {old.number, new.number} and approved.stage == Stage.QUEUED


def test_one_click_approve_queues_the_order_and_mark_done_keeps_it_waiting(office_client):
    to_approve, to_mark = WorkOrderFactory(), WorkOrderFactory()
    office_client.post(reverse("admin:workorders_quoterequest_approve", args=[to_approve.pk]))
    office_client.post(reverse("admin:workorders_quoterequest_done", args=[to_mark.pk]))
    to_approve.refresh_from_db()
    to_mark.refresh_from_db()
    assert to_approve.stage == Stage.QUEUED and QueueEntry.objects.filter(work_order=to_approve).exists()
    assert (to_mark.stage, to_mark.quote) == (Stage.AWAITING_QUOTE, QuoteStatus.DONE)
    assert office_client.get(reverse("admin:workorders_quoterequest_approve", args=[to_mark.pk])).status_code == 405


def test_bulk_approve_from_the_quotes_list(office_client):
    orders = WorkOrderFactory.create_batch(3)
    response = office_client.post(
        QUOTES, {"action": "approve_quotes", "_selected_action": [o.pk for o in orders]}, follow=True
    )
    assert "3 quote(s) approved" in response.content.decode()
    assert QueueEntry.objects.count() == 3


def test_the_pick_list_offers_the_customers_catalog_minus_what_is_on_the_order(office_client):
    customer = CustomerFactory()
    on_order = CatalogItemFactory(customer=customer, description="Bimini")
    offered = CatalogItemFactory(customer=customer, description="Dodger", size="8'9\"x10'2\"", price="80.00")
    CatalogItemFactory(description="Someone else's sail")
    order = WorkOrderFactory(customer=customer, items=[item_data(description="Bimini", catalog_item=on_order)])
    url = reverse("admin:workorders_workorder_change", args=[order.pk])
    page = office_client.get(url).content.decode()
    assert f'name="add_from_catalog" value="{offered.pk}"' in page
    assert f'name="add_from_catalog" value="{on_order.pk}"' not in page
    assert "Someone else" not in page
    assert "Dodger" in page

    quantity_before = CatalogItem.objects.get(pk=offered.pk).quantity
    response = office_client.post(url, _change_post(order, add_from_catalog=[offered.pk]))
    assert response.status_code == 302
    lines = {line.description: line for line in order.items.all()}
    assert set(lines) == {"Bimini", "Dodger"}
    assert lines["Dodger"].catalog_item == offered and lines["Dodger"].size == "8'9\"x10'2\""
    assert CatalogItem.objects.get(pk=offered.pk).quantity == quantity_before  # picked, not typed


def test_the_add_page_opened_from_the_customer_offers_their_catalog(office_client):
    item = CatalogItemFactory(description="Sail cover")
    customer_page = office_client.get(reverse("admin:customers_customer_change", args=[item.customer.pk]))
    link = f'{reverse("admin:workorders_workorder_add")}?customer={item.customer.pk}'
    assert link in customer_page.content.decode()
    assert f'name="add_from_catalog" value="{item.pk}"' in office_client.get(link).content.decode()


def test_items_total_and_special_characters_are_shown_escaped(office_client):
    order = WorkOrderFactory(items=[
        item_data(description='Awning "Smith & Sons" <main>', size="8'9\"x10'2\"", quantity=2, price="100.00"),
        item_data(1, price="25.50"),
    ])
    page = office_client.get(reverse("admin:workorders_workorder_change", args=[order.pk])).content.decode()
    assert "$225.50 for 3 item(s)" in page
    assert "<main>" not in page and "&lt;main&gt;" in page
    assert "8&#x27;9&quot;x10&#x27;2&quot;" in page


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


def test_the_check_in_list_shows_how_many_are_pending(office_client):
    from workorders.services import convert_check_in
    from workorders.tests.factories import CheckInFactory

    CheckInFactory.create_batch(2)
    convert_check_in(check_in=CheckInFactory(), converted_by=None)
    page = office_client.get(reverse("admin:workorders_checkin_changelist")).content.decode()
    assert "Check-ins — 2 pending" in page
