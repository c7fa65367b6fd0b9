"""Two reminder runs at once (beat and a manual command): each customer gets one e-mail."""

import threading
from collections import Counter

from django.core import mail

from customers.models import Customer
from customers.tests.factories import CustomerFactory
from insights import reminders, services
from insights.models import CleaningReminder
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from testing.orders import completed_order, days_ago

pytestmark = concurrency_marks()
RUNS, CUSTOMERS = 4, 6


def due_shop(manager) -> list[int]:
    customers = [CustomerFactory() for _ in range(CUSTOMERS)]
    for customer in customers:
        completed_order(manager, customer=customer, date_in=days_ago(345), completed_on=days_ago(340))
    return [c.pk for c in customers]


def overlapping_runs(send_one) -> list:
    """Every run selects the due customers before any run sends: the worst interleaving."""
    selected = threading.Barrier(RUNS)

    def run(_: int) -> int:
        due = list(reminders.due_customers().values_list("pk", flat=True))
        selected.wait(timeout=30)
        return sum(send_one(customer_id) is not None for customer_id in due)

    return run_concurrently(RUNS, run)


def test_concurrent_runs_send_each_customer_exactly_one_reminder(manager):
    customer_ids = due_shop(manager)
    results = overlapping_runs(lambda customer_id: services.send_reminder(customer_id=customer_id))
    assert not errors_in(results)
    assert sum(results) == CUSTOMERS
    assert sorted(Counter(to for m in mail.outbox for to in m.to).values()) == [1] * CUSTOMERS
    assert CleaningReminder.objects.filter(status="sent").count() == CUSTOMERS
    assert sorted(CleaningReminder.objects.values_list("customer_id", flat=True)) == sorted(customer_ids)


def test_negative_control_sending_without_the_claim_duplicates(manager):
    due_shop(manager)

    def send_without_claim(customer_id: int):
        """The legacy way: trust the list selected at the start of the run."""
        customer = Customer.objects.get(pk=customer_id)
        log = CleaningReminder.objects.create(customer=customer, email=customer.email, last_completed_on=days_ago(340))
        return services.deliver_reminder(reminder=log)

    results = overlapping_runs(send_without_claim)
    assert not errors_in(results)
    assert len(mail.outbox) == RUNS * CUSTOMERS, "the runs did not overlap: this test could not catch the race"
