import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone
from sequences import get_last_value

from core.editing import STALE_EDIT
from core.errors import StaleEditError
from core.numbering import CUSTOMER_NUMBER
from customers import services
from customers.models import CatalogItem, Customer, Source
from customers.tests.factories import CatalogItemFactory, CustomerFactory, SourceFactory
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------------------------


def test_create_customer_takes_its_number_from_the_customer_sequence(office_user):
    customer = services.create_customer(fields={"name": "Harbor Marine"}, created_by=office_user)

    assert customer.number == get_last_value(CUSTOMER_NUMBER)
    row = Customer.objects.get(pk=customer.pk)
    assert (row.number, row.name, row.version, row.updated_by) == (customer.number, "Harbor Marine", 1, office_user)


def test_customer_numbers_are_consecutive():
    numbers = [CustomerFactory().number for _ in range(3)]

    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_create_customer_refuses_invalid_fields_and_burns_no_number():
    before = CustomerFactory().number

    with pytest.raises(ValidationError) as caught:
        services.create_customer(fields={"name": "Bad Mail", "email": "not-an-address"}, created_by=None)

    assert "email" in caught.value.message_dict
    assert not Customer.objects.filter(name="Bad Mail").exists()
    assert CustomerFactory().number == before + 1


def test_update_customer_bumps_the_version_and_records_the_editor(office_user, manager):
    customer = CustomerFactory(created_by=office_user)

    updated = services.update_customer(
        customer=customer, fields={"city": "Annapolis"}, expected_version=1, updated_by=manager
    )

    row = Customer.objects.get(pk=customer.pk)
    assert updated.version == row.version == 2
    assert row.city == "Annapolis"
    assert row.updated_by == manager
    assert row.number == customer.number


def test_update_customer_refuses_a_stale_version_naming_the_user_and_changes_nothing(office_user, manager):
    manager.first_name, manager.last_name = "Ana", "Ruiz"
    manager.save()
    customer = CustomerFactory(created_by=office_user)
    services.update_customer(customer=customer, fields={"city": "Annapolis"}, expected_version=1, updated_by=manager)

    with pytest.raises(StaleEditError) as caught:
        services.update_customer(
            customer=customer, fields={"city": "Baltimore", "name": "Overwritten"}, expected_version=1,
            updated_by=office_user,
        )

    row = Customer.objects.get(pk=customer.pk)
    expected = STALE_EDIT.format(
        thing="customer", who="Ana Ruiz", when=timezone.localtime(row.updated_at).strftime("%H:%M")
    )
    assert str(caught.value) == expected
    assert (row.city, row.name, row.version, row.updated_by) == ("Annapolis", customer.name, 2, manager)


def test_update_customer_without_expected_version_skips_the_check(office_user):
    customer = CustomerFactory()
    services.update_customer(customer=customer, fields={"city": "Annapolis"}, expected_version=1, updated_by=None)

    services.update_customer(customer=customer, fields={"city": "Easton"}, expected_version=None, updated_by=office_user)

    row = Customer.objects.get(pk=customer.pk)
    assert (row.city, row.version) == ("Easton", 3)


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


def test_create_source_saves_the_fields():
    source = services.create_source(fields={"name": "North Sails", "city": "Milford", "is_sail_loft": True})

    row = Source.objects.get(pk=source.pk)
    assert (row.name, row.city, row.is_sail_loft, row.is_placeholder) == ("North Sails", "Milford", True, False)


def test_create_source_refuses_an_empty_name():
    with pytest.raises(ValidationError) as caught:
        services.create_source(fields={"name": ""})

    assert "name" in caught.value.message_dict
    assert not Source.objects.exists()


def test_update_source_changes_the_fields():
    source = SourceFactory(is_placeholder=False)

    services.update_source(source=source, fields={"phone": "(410) 555-0100", "is_placeholder": True})

    row = Source.objects.get(pk=source.pk)
    assert (row.phone, row.is_placeholder) == ("(410) 555-0100", True)


def test_renaming_a_source_keeps_every_reference():
    source = SourceFactory(name="Old Loft")
    customer = CustomerFactory(source=source)
    order = WorkOrderFactory(customer=customer)
    assert order.ship_to == source

    services.update_source(source=source, fields={"name": "New Loft"})

    assert Customer.objects.get(pk=customer.pk).source.name == "New Loft"
    assert WorkOrder.objects.get(pk=order.pk).ship_to.name == "New Loft"
    assert not Source.objects.filter(name="Old Loft").exists()


def test_delete_source_is_refused_while_a_customer_uses_it():
    source = SourceFactory()
    customer = CustomerFactory(source=source)

    with pytest.raises(ProtectedError):
        services.delete_source(source=source)

    assert Source.objects.filter(pk=source.pk).exists()
    services.update_customer(customer=customer, fields={"source": None}, expected_version=None, updated_by=None)
    services.delete_source(source=source)
    assert not Source.objects.filter(pk=source.pk).exists()


# ---------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------


def test_create_catalog_item_folds_the_description_key_and_trims_the_text():
    customer = CustomerFactory()

    item = services.create_catalog_item(
        customer=customer,
        fields={"description": "  Main   Sail ", "material": " Dacron ", "colour": "White", "quantity": 2},
    )

    row = CatalogItem.objects.get(pk=item.pk)
    assert (row.customer, row.description, row.description_key, row.material, row.quantity) == (
        customer, "Main Sail", "main sail", "Dacron", 2,
    )


def test_create_catalog_item_refuses_an_empty_description():
    customer = CustomerFactory()

    with pytest.raises(ValidationError) as caught:
        services.create_catalog_item(customer=customer, fields={"description": "   "})

    assert "description" in caught.value.message_dict
    assert not CatalogItem.objects.exists()


def test_update_catalog_item_refreshes_the_description_key():
    item = CatalogItemFactory(description="Awning", quantity=1)

    services.update_catalog_item(item=item, fields={"description": "Front  AWNING", "quantity": 4})

    row = CatalogItem.objects.get(pk=item.pk)
    assert (row.description, row.description_key, row.quantity) == ("Front AWNING", "front awning", 4)


def test_delete_catalog_item_keeps_order_lines_and_unlinks_them():
    order = WorkOrderFactory(items=[item_data(description="Bimini")])
    line = order.items.get()
    assert line.catalog_item is not None

    services.delete_catalog_item(item=line.catalog_item)

    line.refresh_from_db()
    assert (line.description, line.catalog_item) == ("Bimini", None)
    assert not CatalogItem.objects.exists()


def _values(**overrides):
    return {"description": "Main sail", "material": "Dacron", "colour": "White", "condition": "", "size": "95#"} | overrides


def test_record_catalog_item_creates_a_row_for_a_new_item():
    customer = CustomerFactory()

    item = services.record_catalog_item(customer=customer, values=_values(price=120), quantity=2)

    row = CatalogItem.objects.get(pk=item.pk)
    assert (row.customer, row.description, row.description_key, row.material, row.size, row.quantity, row.price) == (
        customer, "Main sail", "main sail", "Dacron", "95#", 2, 120,
    )


def test_record_catalog_item_adds_the_quantity_to_the_same_item_whatever_its_case_and_spacing():
    customer = CustomerFactory()
    first = services.record_catalog_item(customer=customer, values=_values(), quantity=2)

    again = services.record_catalog_item(customer=customer, values=_values(description="  MAIN   sail "), quantity=3)

    assert again.pk == first.pk
    assert CatalogItem.objects.get().quantity == 5


def test_record_catalog_item_folds_unknown_material_to_blank():
    customer = CustomerFactory()

    item = services.record_catalog_item(customer=customer, values=_values(material="Unknown"), quantity=1)
    again = services.record_catalog_item(customer=customer, values=_values(material=" unknown "), quantity=1)
    blank = services.record_catalog_item(customer=customer, values=_values(material=""), quantity=1)

    assert item.pk == again.pk == blank.pk
    row = CatalogItem.objects.get()
    assert (row.material, row.quantity) == ("", 3)


def test_record_catalog_item_makes_a_new_row_for_a_different_size():
    customer = CustomerFactory()
    first = services.record_catalog_item(customer=customer, values=_values(size="95#"), quantity=1)

    other = services.record_catalog_item(customer=customer, values=_values(size="110#"), quantity=1)

    assert other.pk != first.pk
    assert sorted(CatalogItem.objects.values_list("size", "quantity")) == [("110#", 1), ("95#", 1)]


def test_record_catalog_item_keeps_each_customers_catalog_apart():
    one, two = CustomerFactory(), CustomerFactory()
    services.record_catalog_item(customer=one, values=_values(), quantity=1)

    services.record_catalog_item(customer=two, values=_values(), quantity=4)

    assert sorted(CatalogItem.objects.values_list("customer__number", "quantity")) == [(one.number, 1), (two.number, 4)]


def test_a_duplicate_catalog_row_is_a_validation_error_not_a_database_error():
    item = CatalogItemFactory(description="Bimini", material="Vinyl", colour="", condition="", size="6x8")
    with pytest.raises(ValidationError) as caught:
        services.create_catalog_item(
            customer=item.customer,
            fields={"description": "  BIMINI ", "material": "Vinyl", "colour": "", "condition": "", "size": "6x8"},
        )
    assert caught.value.messages == [services.CATALOG_DUPLICATE]
    assert CatalogItem.objects.count() == 1


def test_a_taken_source_name_is_a_field_error():
    SourceFactory(name="Doyle")
    with pytest.raises(ValidationError) as caught:
        services.create_source(fields={"name": "Doyle"})
    assert "name" in caught.value.message_dict
