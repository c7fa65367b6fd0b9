from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from insights import reminders, services
from insights.models import CleaningReminder, ReminderOptOut
from insights.tasks import send_cleaning_reminders_task
from testing.orders import completed_order, days_ago

pytestmark = pytest.mark.django_db


def customer_done(manager, days: int, **fields):
    """A customer whose last work order was completed ``days`` ago."""
    customer = CustomerFactory(**fields)
    completed_order(manager, customer=customer, date_in=days_ago(days + 5), completed_on=days_ago(days))
    return customer


def reminded(customer, days: int, status=CleaningReminder.Status.SENT):
    return CleaningReminder.objects.create(
        customer=customer, email=customer.email, status=status, created_at=timezone.now() - timedelta(days=days),
        sent_at=timezone.now() - timedelta(days=days) if status == CleaningReminder.Status.SENT else None,
        last_completed_on=days_ago(400),
    )


def due_numbers() -> set[int]:
    return set(reminders.due_customers().values_list("number", flat=True))


@pytest.mark.parametrize(("days", "due"), [(334, False), (335, True), (365, True), (366, False)])
def test_due_window_is_335_to_365_days_after_the_last_completion(manager, days, due):
    customer = customer_done(manager, days)
    assert (customer.number in due_numbers()) is due


@pytest.mark.parametrize(("days", "due"), [(59, False), (61, True)])
def test_a_reminder_in_the_last_60_days_keeps_the_customer_quiet(manager, days, due):
    customer = customer_done(manager, 340)
    reminded(customer, days)
    assert (customer.number in due_numbers()) is due


def test_a_claimed_reminder_counts_but_a_failed_one_does_not(manager):
    claimed, failed = customer_done(manager, 340), customer_done(manager, 340)
    reminded(claimed, 1, status=CleaningReminder.Status.SENDING)
    reminded(failed, 1, status=CleaningReminder.Status.FAILED)
    assert due_numbers() == {failed.number}


def test_unsubscribed_customers_and_customers_without_email_are_never_due(manager):
    unsubscribed, no_email = customer_done(manager, 340), customer_done(manager, 340, email="")
    services.unsubscribe_customer(customer=unsubscribed)
    assert due_numbers() == set() and no_email.number not in due_numbers()


def test_the_latest_completion_decides(manager):
    customer = customer_done(manager, 340)
    completed_order(manager, customer=customer, date_in=days_ago(40), completed_on=days_ago(30))
    assert due_numbers() == set()


def test_sending_logs_and_mails_html_and_text_with_an_unsubscribe_link(manager, settings):
    settings.AWNING_SITE_URL = "https://shop.example.com"
    customer, _ = customer_done(manager, 340, email="pat@example.com"), customer_done(manager, 200)
    run = services.send_cleaning_reminders()
    assert (run.due, run.sent, run.failed) == (1, [customer.pk], [])
    [message] = mail.outbox
    link = "https://shop.example.com" + reverse("insights:unsubscribe", args=[reminders.unsubscribe_token(customer.pk)])
    assert message.to == ["pat@example.com"] and message.subject == reminders.SUBJECT
    assert link in message.body and f'href="{link}"' in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    log = CleaningReminder.objects.get()
    assert (log.customer, log.status, log.last_completed_on) == (customer, "sent", days_ago(340))
    assert log.sent_at is not None
    assert services.send_cleaning_reminders().due == 0  # and not again tomorrow


def test_a_failed_send_is_logged_with_the_reason_and_retried_next_run(manager, settings):
    customer = customer_done(manager, 340)
    settings.EMAIL_BACKEND = "testing.mail.RefusingBackend"
    run = services.send_cleaning_reminders()
    assert run.failed == [customer.pk]
    log = CleaningReminder.objects.get()
    assert log.status == "failed" and "SES said no" in log.error and log.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_cleaning_reminders().sent == [customer.pk]


def test_unsubscribe_link_works_without_login_and_only_on_post(client, manager):
    customer = customer_done(manager, 340)
    url = reverse("insights:unsubscribe", args=[reminders.unsubscribe_token(customer.pk)])
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert not ReminderOptOut.objects.exists()  # a mail scanner opening the link changes nothing
    assert client.post(url).status_code == 200 and client.post(url).status_code == 200
    assert ReminderOptOut.objects.get().customer == customer
    assert due_numbers() == set()


def test_a_forged_or_altered_token_is_refused(client, manager):
    customer = customer_done(manager, 340)
    token = reminders.unsubscribe_token(customer.pk)
    other = CustomerFactory()
    forged = f"{other.pk}:{token.split(':', 1)[1]}"
    for bad in (forged, "junk", f"{customer.pk}"):
        assert client.post(reverse("insights:unsubscribe", args=[bad])).status_code == 404
    assert not ReminderOptOut.objects.exists()


def test_dry_run_lists_who_is_due_and_sends_nothing(manager):
    customer = customer_done(manager, 340)
    out = StringIO()
    call_command("send_cleaning_reminders", "--dry-run", stdout=out)
    assert f"due: {customer.number}" in out.getvalue() and "1 customer(s) due" in out.getvalue()
    assert not mail.outbox and not CleaningReminder.objects.exists()


def test_command_sends_and_summarises(manager):
    customer_done(manager, 340), customer_done(manager, 350)
    out = StringIO()
    call_command("send_cleaning_reminders", stdout=out)
    assert "2 sent, 0 failed" in out.getvalue() and len(mail.outbox) == 2


def test_command_fails_with_one_line_when_every_send_fails(manager, settings):
    customer_done(manager, 340)
    settings.EMAIL_BACKEND = "testing.mail.RefusingBackend"
    with pytest.raises(CommandError, match="All 1 reminder"):
        call_command("send_cleaning_reminders", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="future"):
        call_command("send_cleaning_reminders", "--today", (timezone.localdate() + timedelta(days=1)).isoformat())


def test_the_beat_task_sends_and_reports(manager, settings):
    customer_done(manager, 340)
    assert "cleaning-reminders" in settings.CELERY_BEAT_SCHEDULE
    result = send_cleaning_reminders_task.apply().get()
    assert result == {"due": 1, "sent": 1, "failed": 0, "skipped": 0} and len(mail.outbox) == 1


def test_a_claim_cannot_hide_inside_a_longer_transaction(db):
    # Inside another transaction the claim would commit only after the e-mail left, and a second
    # run could claim the same customer meanwhile.
    from django.db import transaction

    customer = CustomerFactory(email="dana@example.com")
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.claim_reminder(customer_id=customer.pk, today=timezone.localdate())
