"""The customer, source and catalog admins inside Django's save sequence: the catalog inline's
rows in the History, and which rows found deleted meanwhile send the page where."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from core.editing import DELETED_MEANWHILE
from customers import services
from customers.admin import SourceAdmin
from customers.models import CatalogItem, Source
from customers.tests.factories import CatalogItemFactory, CustomerFactory, SourceFactory

pytestmark = pytest.mark.django_db

CUSTOMER_FIELDS = ("name", "contact", "email", "cell_phone", "home_phone", "work_phone", "address", "address2",
                   "city", "state", "zip_code", "mail_address", "mail_city", "mail_state", "mail_zip", "previous_source")
CATALOG_COLUMNS = ("description", "material", "colour", "condition", "size", "price", "quantity")


def management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def customer_post(customer, *, edit=None, delete=(), new=(), **fields) -> dict:
    """The customer page as submitted: every catalog row as shown (with the hidden initials the
    page carries), ``edit`` ({row pk: {field: value}}) applied, ``delete`` ticked, ``new`` typed."""
    rows = list(customer.catalog_items.order_by("pk"))
    data = {name: getattr(customer, name) or "" for name in CUSTOMER_FIELDS}
    data |= {"source": customer.source_id or "", "loaded_version": customer.version}
    data |= management("catalog_items", len(rows) + len(new), len(rows))
    data |= management("work_orders", 0, 0) | management("repair_orders", 0, 0)
    for index, item in enumerate(rows):
        shown = {name: "" if getattr(item, name) is None else getattr(item, name) for name in CATALOG_COLUMNS}
        data |= {f"initial-catalog_items-{index}-{name}": value for name, value in shown.items()}
        sent = shown | {"id": item.pk, "customer": customer.pk} | (edit or {}).get(item.pk, {})
        if item.pk in delete:
            sent["DELETE"] = "on"
        data |= {f"catalog_items-{index}-{name}": value for name, value in sent.items()}
    for index, row in enumerate(new, start=len(rows)):
        data |= {f"catalog_items-{index}-{name}": row.get(name, "") for name in CATALOG_COLUMNS}
    return data | fields


def change_url(customer) -> str:
    return reverse("admin:customers_customer_change", args=[customer.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_catalog_rows_changed_added_and_deleted_are_in_the_history(office_client):
    customer = CustomerFactory()
    kept = CatalogItemFactory(customer=customer, description="Bimini top", quantity=1)
    gone = CatalogItemFactory(customer=customer, description="Old dodger", quantity=1)

    response = office_client.post(
        change_url(customer),
        customer_post(customer, edit={kept.pk: {"quantity": 4}}, delete={gone.pk},
                      new=[{"description": "Cockpit cushion", "quantity": 2}], city="Mystic"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(customer.catalog_items.values_list("description", "quantity")) == [("Bimini top", 4), ("Cockpit cushion", 2)]
    message = LogEntry.objects.get(object_id=str(customer.pk)).get_change_message()
    assert message.startswith("Changed City. ")
    assert f"Changed Quantity for catalog item “{CatalogItem.objects.get(pk=kept.pk)}”." in message
    assert "Added catalog item “Cockpit cushion”." in message
    assert f"Deleted catalog item “{gone}”." in message


def test_a_catalog_row_deleted_meanwhile_sends_the_customer_page_back_to_itself(office_client, monkeypatch):
    # Deleted after the formset found it (a row gone before that is the formset's own error).
    customer = CustomerFactory()
    row = CatalogItemFactory(customer=customer, description="Bimini top", quantity=1)
    real_update = services.update_catalog_item

    def deleted_first(*, item, fields):
        services.delete_catalog_item(item=CatalogItem.objects.get(pk=item.pk))
        return real_update(item=item, fields=fields)

    monkeypatch.setattr(services, "update_catalog_item", deleted_first)
    response = office_client.post(change_url(customer), customer_post(customer, edit={row.pk: {"quantity": 3}}, city="Mystic"))

    assert response.status_code == 302 and response["Location"] == change_url(customer)
    assert messages_of(response) == [DELETED_MEANWHILE.format(thing="catalog item")]
    customer.refresh_from_db()
    assert customer.version == 1  # the whole save rolled back
    assert not LogEntry.objects.exists()


def test_a_source_deleted_meanwhile_goes_back_to_the_list(client, admin_role_user, monkeypatch):
    source = SourceFactory(name="Harbour Canvas")
    real_get_object = SourceAdmin.get_object

    def found_then_deleted(self, request, object_id, from_field=None):
        found = real_get_object(self, request, object_id, from_field)
        services.delete_source(source=Source.objects.get(pk=found.pk))  # another user's copy
        return found

    monkeypatch.setattr(SourceAdmin, "get_object", found_then_deleted)
    client.force_login(admin_role_user)
    fields = {name: getattr(source, name) for name in services.SOURCE_FIELDS}
    response = client.post(reverse("admin:customers_source_change", args=[source.pk]), fields | {"city": "Mystic"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:customers_source_changelist")
    assert messages_of(response) == [DELETED_MEANWHILE.format(thing="source")]
