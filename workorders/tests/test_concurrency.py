"""Findings 7 and 8: replacing an order's items, and the catalog quantity, under real concurrency."""

import threading
import time

from django.db import connection
from django.db.models import F

from customers.models import CatalogItem, Customer
from customers.tests.factories import CustomerFactory
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from workorders.models import WorkOrder, WorkOrderItem
from workorders.services import create_work_order, update_work_order
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = concurrency_marks()


def _list_for(thread: int) -> list[dict]:
    return [item_data(j, description=f"T{thread:02d} item {j}") for j in range(3)]


def _owners(order: WorkOrder) -> set[str]:
    return {description[:3] for description in order.items.values_list("description", flat=True)}


def _replace_while_reading(order: WorkOrder, replace) -> tuple[list, list[int]]:
    """Run 16 replacing threads while another thread keeps counting the order's items."""
    seen_counts: list[int] = []
    stop = threading.Event()

    def read_while_writing() -> None:
        while not stop.is_set():
            seen_counts.append(WorkOrderItem.objects.filter(work_order=order.pk).count())
        connection.close()

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    try:
        results = run_concurrently(16, replace)
    finally:
        stop.set()
        reader.join(30)
    return results, seen_counts


def test_concurrent_item_replacements_end_with_exactly_one_list_and_readers_never_see_none():
    order = WorkOrderFactory(items=_list_for(99))
    results, seen_counts = _replace_while_reading(
        order,
        lambda t: update_work_order(fields={},
            work_order=WorkOrder(pk=order.pk), items=_list_for(t), expected_version=None, updated_by=None
        ),
    )
    assert not errors_in(results)
    final = sorted(order.items.values_list("description", flat=True))
    assert len(_owners(order)) == 1 and len(final) == 3
    assert final in [sorted(i["description"] for i in _list_for(t)) for t in range(16)]
    assert seen_counts and 0 not in seen_counts
    order.refresh_from_db()
    assert order.version == 1 + 16


def test_negative_control_unlocked_replacement_mixes_lists_or_shows_an_empty_order():
    """Delete-then-insert without the transaction and lock breaks what the test above asserts."""
    order = WorkOrderFactory(items=_list_for(99))

    def naive_replace(thread: int) -> None:
        WorkOrderItem.objects.filter(work_order=order.pk).delete()
        time.sleep(0.01)  # the legacy request validated the form here
        WorkOrderItem.objects.bulk_create(
            WorkOrderItem(work_order_id=order.pk, **data) for data in _list_for(thread)
        )

    results, seen_counts = _replace_while_reading(order, naive_replace)
    assert not errors_in(results)
    mixed = len(_owners(order)) > 1 or order.items.count() != 3
    assert mixed or 0 in seen_counts


SAME_NEW_ITEM = {"description": "Main Sail", "material": "Dacron", "colour": "White", "condition": "", "size": "95#"}


def test_concurrent_orders_adding_the_same_new_item_give_one_row_with_the_summed_quantity():
    customer = CustomerFactory()

    def add(thread: int) -> None:
        create_work_order(
            customer=Customer.objects.get(pk=customer.pk),
            fields={},
            items=[SAME_NEW_ITEM | {"quantity": thread + 1, "description": ["Main Sail", "main  sail"][thread % 2]}],
            created_by=None,
        )

    assert not errors_in(run_concurrently(32, add))
    row = CatalogItem.objects.get(customer=customer)
    assert row.quantity == sum(range(1, 33))
    assert WorkOrderItem.objects.filter(catalog_item=row).count() == 32


def test_negative_control_read_modify_write_loses_catalog_updates():
    customer = CustomerFactory()
    row = CatalogItem.objects.create(customer=customer, description="Main Sail", description_key="main sail", quantity=0)

    def naive_add(thread: int) -> None:
        item = CatalogItem.objects.get(pk=row.pk)
        time.sleep(0.005)
        item.quantity += thread + 1
        item.save(update_fields=["quantity"])

    assert not errors_in(run_concurrently(32, naive_add))
    row.refresh_from_db()
    assert row.quantity < sum(range(1, 33)), "no update was lost: the load is not concurrent enough"
    # ...while the same increments with F() lose nothing:
    CatalogItem.objects.filter(pk=row.pk).update(quantity=0)
    run_concurrently(32, lambda t: CatalogItem.objects.filter(pk=row.pk).update(quantity=F("quantity") + t + 1))
    row.refresh_from_db()
    assert row.quantity == sum(range(1, 33))


def test_two_people_converting_the_same_check_in_at_once_make_one_work_order(manager, office_user):
    from accounts.models import User
    from core.errors import AlreadyProcessed
    from workorders.models import CheckIn
    from workorders.services import convert_check_in
    from workorders.tests.factories import CheckInFactory

    check_in = CheckInFactory()
    users = [manager.pk, office_user.pk]
    results = run_concurrently(
        2, lambda t: convert_check_in(check_in=CheckIn(pk=check_in.pk), converted_by=User.objects.get(pk=users[t]))
    )
    assert not errors_in(results, allowed=(AlreadyProcessed,))
    assert sum(isinstance(r, WorkOrder) for r in results) == 1
    assert sum(isinstance(r, AlreadyProcessed) for r in results) == 1
    assert WorkOrder.objects.count() == 1
    check_in.refresh_from_db()
    assert check_in.status == CheckIn.Status.PROCESSED and check_in.work_order == WorkOrder.objects.get()


def test_orders_adding_the_same_new_items_in_opposite_order_do_not_deadlock():
    from workorders.services import update_work_order

    customer = CustomerFactory()
    for round_ in range(10):
        orders = [WorkOrderFactory(customer=customer, items=[]) for _ in range(2)]
        items = [item_data(0, description=f"Awning {round_}"), item_data(1, description=f"Bimini {round_}")]
        results = run_concurrently(
            2,
            lambda t, orders=orders, items=items: update_work_order(
                work_order=WorkOrder(pk=orders[t].pk), fields={}, items=items if t == 0 else items[::-1],
                expected_version=None, updated_by=None,
            ),
        )
        assert not errors_in(results), results
        assert set(CatalogItem.objects.filter(description__endswith=f" {round_}").values_list("quantity", flat=True)) == {2}
