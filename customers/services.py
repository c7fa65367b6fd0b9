"""Every write to sources, customers and the catalog."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import User
from core.cache import WORK_ORDER_STATE, invalidate_on_commit
from core.editing import apply_fields, save_version, validate
from core.items import ITEM_FIELDS, normalise_item_text
from core.locks import lock_for_edit, lock_row
from core.numbering import CUSTOMER_NUMBER, next_number

from .models import CatalogItem, Customer, Source
from .selectors import SOURCE_CHOICES

SOURCE_FIELDS = ("name", "address", "city", "state", "zip_code", "phone", "fax", "email", "is_sail_loft", "is_placeholder")
CUSTOMER_FIELDS = (
    "name", "contact", "address", "address2", "city", "state", "zip_code", "home_phone", "work_phone",
    "cell_phone", "email", "mail_address", "mail_city", "mail_state", "mail_zip", "source", "previous_source",
)
CATALOG_FIELDS = tuple(name for name in ITEM_FIELDS if name != "catalog_item")  # a catalog row links to no catalog row

CATALOG_DUPLICATE = "This customer already has this item in the catalog; change that row's quantity instead."


@transaction.atomic
def create_source(*, fields: Mapping[str, Any]) -> Source:
    """Locks nothing (a new row; the unique name decides a race). After commit the cached source
    choices move on."""
    source = apply_fields(Source(), fields, SOURCE_FIELDS)
    validate(source)
    source.validate_unique()  # a taken name is a field error, not a database error
    source.save()
    invalidate_on_commit(SOURCE_CHOICES)
    return source


@transaction.atomic
def update_source(*, source: Source, fields: Mapping[str, Any]) -> Source:
    """Locks the source row (alone); a rename keeps every reference (sources have a surrogate key).
    The cached source choices change after commit."""
    source = lock_row(Source, pk=source.pk)
    apply_fields(source, fields, SOURCE_FIELDS)
    validate(source)
    source.validate_unique()
    source.save()
    invalidate_on_commit(SOURCE_CHOICES, WORK_ORDER_STATE)  # analytics name the sources
    return source


@transaction.atomic
def delete_source(*, source: Source) -> None:
    """Raises ProtectedError while customers or orders still refer to the source. Locks nothing
    beyond the delete's own row lock; after commit the cached choices and dashboard move on."""
    source.delete()
    invalidate_on_commit(SOURCE_CHOICES, WORK_ORDER_STATE)


@transaction.atomic
def create_customer(*, fields: Mapping[str, Any], created_by: User | None) -> Customer:
    """Create a customer with the next customer number (taken in this transaction).

    Locks the customer-number sequence row; schedules nothing after commit."""
    customer = apply_fields(Customer(updated_by=created_by), fields, CUSTOMER_FIELDS)
    validate(customer, exclude=["number"])
    customer.number = next_number(CUSTOMER_NUMBER)
    customer.save()
    return customer


@transaction.atomic
def update_customer(
    *, customer: Customer, fields: Mapping[str, Any], expected_version: int | None, updated_by: User | None
) -> Customer:
    """Locks the customer row (alone: no other lock of core/locks.py is taken with it) and refuses
    a stale ``expected_version`` (StaleEditError). After commit the dashboard cache moves on."""
    customer = lock_for_edit(Customer, pk=customer.pk, expected_version=expected_version)
    apply_fields(customer, fields, CUSTOMER_FIELDS)
    validate(customer)
    invalidate_on_commit(WORK_ORDER_STATE)  # a new source moves the customer's orders in analytics
    return save_version(customer, actor=updated_by)


@transaction.atomic
def delete_customer(*, customer: Customer) -> None:
    """Raises ProtectedError while the customer has orders or check-ins. Locks nothing beyond the
    delete's own row lock; schedules nothing after commit."""
    customer.delete()


def description_key(description: str) -> str:
    return " ".join(description.split()).casefold()


def catalog_lock_key(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The order in which one transaction writes several of a customer's catalog rows (lock order 5,
    core/locks.py): by the row's identity exactly as the unique constraint sees it, so two spellings
    of the same item ("Awning  A" and "awning a") sort where their shared row sorts."""
    values = normalise_item_text(dict(values))
    identity = _catalog_identity(customer=None, values=values)
    return tuple(identity[name] for name in ("description_key", "material", "colour", "condition", "size"))


def _catalog_identity(*, customer: Customer | None, values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "customer": customer,
        "description_key": description_key(values["description"]),
        "material": values.get("material", ""),
        "colour": values.get("colour", ""),
        "condition": values.get("condition", ""),
        "size": values.get("size", ""),
    }


@transaction.atomic
def create_catalog_item(*, customer: Customer, fields: Mapping[str, Any]) -> CatalogItem:
    """Locks nothing (a new row; the unique identity refuses a duplicate). Schedules nothing."""
    item = apply_fields(CatalogItem(customer=customer), normalise_item_text(dict(fields)), CATALOG_FIELDS)
    return _save_catalog_item(item)


@transaction.atomic
def update_catalog_item(*, item: CatalogItem, fields: Mapping[str, Any]) -> CatalogItem:
    """Locks the catalog row alone (lock order 5; DeletedMeanwhile if it is gone); schedules
    nothing after commit."""
    item = lock_row(CatalogItem, pk=item.pk)
    apply_fields(item, normalise_item_text(dict(fields)), CATALOG_FIELDS)
    return _save_catalog_item(item, update_fields=[*fields, "description_key", "updated_at"])


def _save_catalog_item(item: CatalogItem, update_fields: list[str] | None = None) -> CatalogItem:
    """Writes ``update_fields`` only, when given: fields nobody edited keep their database value."""
    item.description_key = description_key(item.description)
    validate(item, exclude=["customer"])
    try:
        with transaction.atomic():  # savepoint: the caller's transaction survives the refusal
            item.save(update_fields=update_fields)
    except IntegrityError as error:
        raise ValidationError(CATALOG_DUPLICATE) from error
    return item


@transaction.atomic
def delete_catalog_item(*, item: CatalogItem) -> None:
    """Order lines that came from the item keep their text and lose the link (SET_NULL).

    Locks the order lines the cascade writes, then the catalog row (the delete's own full lock):
    Django clears the lines' link before it deletes the row, so no catalog row is held while a
    line is waited for (see core/locks.py). Schedules nothing after commit."""
    item.delete()


@transaction.atomic
def record_catalog_item(*, customer: Customer, values: Mapping[str, Any], quantity: int) -> CatalogItem:
    """Add a newly typed order item to the customer's catalog, or raise the matching row's quantity.

    One row per (customer, folded description, material, colour, condition, size), enforced by a
    unique constraint. The quantity moves with F() in one UPDATE, so concurrent orders adding the
    same item end with one row whose quantity is their sum. When two transactions both find no row,
    the second INSERT waits on the unique index and fails once the first commits; it then adds its
    quantity to the row the first created (inside a savepoint, so the caller's transaction survives).

    Locks that one catalog row (lock order 5); a caller writing several sorts them by
    catalog_lock_key first. Schedules nothing after commit.
    """
    values = normalise_item_text(dict(values))
    identity = _catalog_identity(customer=customer, values=values)
    if CatalogItem.objects.filter(**identity).update(quantity=F("quantity") + quantity):
        return CatalogItem.objects.get(**identity)
    try:
        with transaction.atomic():
            return CatalogItem.objects.create(
                **identity, description=values["description"], price=values.get("price"), quantity=quantity
            )
    except IntegrityError:
        CatalogItem.objects.filter(**identity).update(quantity=F("quantity") + quantity)
        return CatalogItem.objects.get(**identity)
