"""The quotes list in the admin: awaiting orders, one-click and bulk approval, mark done."""

import datetime

import pytest
from django.urls import reverse

from cleaning_queue.models import QueueEntry
from core.choices import QuoteStatus
from workorders.stages import Stage
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

QUOTES = reverse("admin:workorders_quoterequest_changelist")


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
