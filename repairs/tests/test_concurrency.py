"""Finding 11: linking repair orders and work orders under real concurrency."""

import time

from core.errors import AlreadyLinked
from customers.tests.factories import CustomerFactory
from repairs.models import RepairOrder
from repairs.services import link_repair
from repairs.tests.factories import RepairOrderFactory
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory

pytestmark = concurrency_marks()


def _setup(count: int) -> tuple[RepairOrder, list[WorkOrder]]:
    customer = CustomerFactory()
    return RepairOrderFactory(customer=customer), [WorkOrderFactory(customer=customer) for _ in range(count)]


def test_concurrent_links_of_one_repair_order_make_exactly_one_link():
    repair, orders = _setup(32)
    results = run_concurrently(
        32,
        lambda t: link_repair(repair_order=RepairOrder(pk=repair.pk), work_order=orders[t], linked_by=None),
    )
    assert not errors_in(results, allowed=(AlreadyLinked,))
    winners = [t for t, result in enumerate(results) if isinstance(result, RepairOrder)]
    assert len(winners) == 1
    assert sum(isinstance(r, AlreadyLinked) for r in results) == 31
    repair.refresh_from_db()
    assert repair.work_order == orders[winners[0]]
    assert RepairOrder.objects.filter(work_order__isnull=False).count() == 1


def test_negative_control_check_then_set_without_lock_lets_several_think_they_linked():
    repair, orders = _setup(32)

    def naive_link(thread: int) -> bool:
        current = RepairOrder.objects.get(pk=repair.pk)
        if current.work_order_id is not None:
            return False
        time.sleep(0.05)  # the legacy request built the form here
        RepairOrder.objects.filter(pk=repair.pk).update(work_order=orders[thread])
        return True

    results = run_concurrently(32, naive_link)
    assert not errors_in(results)
    assert sum(results) > 1, "only one thread linked: the load is not concurrent enough"


def test_two_people_swapping_links_crosswise_do_not_deadlock():
    """RO a↔WO 1 and RO b↔WO 2; at once, one relinks b→1 and the other a→2, ten times over."""
    customer = CustomerFactory()
    for _ in range(10):
        orders = [WorkOrderFactory(customer=customer) for _ in range(2)]
        repairs = [RepairOrderFactory(customer=customer, work_order=order) for order in orders]
        results = run_concurrently(
            2,
            lambda t, repairs=repairs, orders=orders: link_repair(
                repair_order=RepairOrder(pk=repairs[1 - t].pk), work_order=orders[t], relink=True, linked_by=None
            ),
        )
        assert not errors_in(results, allowed=(AlreadyLinked,)), results
        linked = RepairOrder.objects.filter(pk__in=[r.pk for r in repairs], work_order__isnull=False)
        assert linked.count() >= 1
