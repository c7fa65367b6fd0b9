from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import CatalogItem, Customer
from customers.tests.factories import CatalogItemFactory, CustomerFactory
from repairs.tests.factories import RepairOrderFactory
from testing.admin_forms import inline_management
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

CUSTOMER_FIELDS = ("name", "contact", "email", "cell_phone", "home_phone", "work_phone", "address", "address2",
                   "city", "state", "zip_code", "mail_address", "mail_city", "mail_state", "mail_zip", "previous_source")


def customer_post(customer: Customer | None = None, catalog=(), **fields) -> dict:
    data = {name: getattr(customer, name, "") or "" for name in CUSTOMER_FIELDS}
    data |= {"source": "", "loaded_version": customer.version if customer else ""}
    data |= inline_management("catalog_items", len(catalog), initial=sum(1 for row in catalog if "id" in row))
    data |= inline_management("work_orders", 0) | inline_management("repair_orders", 0)
    for index, row in enumerate(catalog):
        data |= {f"catalog_items-{index}-{name}": value for name, value in row.items()}
        if "id" in row:  # what the browser sends back: the values the page showed
            data |= {f"initial-catalog_items-{index}-{name}": value for name, value in row.items()}
    return data | fields


def test_customer_page_shows_catalog_work_orders_and_repair_orders(office_client):
    item = CatalogItemFactory(description="Bimini top")
    order = WorkOrderFactory(customer=item.customer)
    repair = RepairOrderFactory(customer=item.customer)
    page = office_client.get(reverse("admin:customers_customer_change", args=[item.customer.pk])).content.decode()
    assert "Bimini top" in page
    assert reverse("admin:workorders_workorder_change", args=[order.pk]) in page
    assert reverse("admin:repairs_repairorder_change", args=[repair.pk]) in page


def test_adding_a_customer_assigns_the_next_number_and_catalog_rows(office_client):
    CustomerFactory()
    row = {"description": "Main  sail", "material": "Dacron", "colour": "", "condition": "", "size": "95#", "price": "", "quantity": "1"}
    response = office_client.post(
        reverse("admin:customers_customer_add"), customer_post(catalog=[row], name="Sea Breeze Marina")
    )
    assert response.status_code == 302
    customer = Customer.objects.get(name="Sea Breeze Marina")
    assert customer.number == 2
    assert CatalogItem.objects.get(customer=customer).description_key == "main sail"


def test_stale_customer_form_is_refused(client, office_user, manager):
    customer = CustomerFactory(city="Mystic")
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    first, second = customer_post(customer, city="Stonington"), customer_post(customer, city="Noank")
    client.force_login(manager)
    assert client.post(url, first).status_code == 302
    client.force_login(office_user)
    response = client.post(url, second)
    assert "since you opened it" in response.content.decode()
    customer.refresh_from_db()
    assert (customer.city, customer.version) == ("Stonington", 2)


def test_deleting_a_customer_with_orders_is_refused_not_a_server_error(client, manager):
    order = WorkOrderFactory()
    client.force_login(manager)
    response = client.post(
        reverse("admin:customers_customer_delete", args=[order.customer.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert "Cannot delete customer" in response.content.decode()
    assert Customer.objects.filter(pk=order.customer.pk).exists()


def test_editing_a_catalog_row_does_not_write_back_a_stale_quantity(client, office_user):
    from customers.services import record_catalog_item

    item = CatalogItemFactory(quantity=3, price="10.00")
    customer = item.customer
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    client.force_login(office_user)
    assert 'name="initial-catalog_items-0-quantity" value="3"' in client.get(url).content.decode()
    row = {"id": item.pk, "customer": customer.pk, "description": item.description, "material": item.material,
           "colour": item.colour, "condition": item.condition, "size": item.size, "price": "10.00", "quantity": "3"}
    stale = customer_post(customer, catalog=[row])
    # Meanwhile a work order adds two more of the same item.
    record_catalog_item(customer=customer, values={"description": item.description, "material": item.material,
                        "colour": item.colour, "condition": item.condition, "size": item.size}, quantity=2)
    stale["catalog_items-0-price"] = "12.50"
    assert client.post(url, stale).status_code == 302
    item.refresh_from_db()
    assert (item.price, item.quantity) == (Decimal("12.50"), 5)
