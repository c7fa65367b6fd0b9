"""customers.order_admin (AggregateAdmin, CatalogPickForm) on the work-order admin pages:
the customer's catalog pick list and the items summary.
"""

import pytest
from django.urls import reverse

from customers.models import CatalogItem
from customers.tests.factories import CatalogItemFactory, CustomerFactory
from testing.admin_forms import change_post
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


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
    response = office_client.post(url, change_post(order, add_from_catalog=[offered.pk]))
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
