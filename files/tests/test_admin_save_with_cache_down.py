"""An admin save that uploads a file while the cache (Redis) is away at commit time: the order is
saved, the office gets the normal redirect, and the file is still promoted, because every hook
runs through core.after_commit, which logs and swallows a failure instead of dropping the hooks
scheduled after it."""

from functools import partial
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError

import core.cache
from core.choices import QuoteStatus
from customers.tests.factories import CustomerFactory
from testing.admin_forms import AWNING, WORK_ORDER_ADD_URL, work_order_post
from testing.files import photo
from workorders.models import WorkOrder

# A real commit: Django's own on_commit machinery runs the hooks, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def add_order_with_a_file(client):
    body = work_order_post(CustomerFactory(), items=[AWNING], quote=QuoteStatus.APPROVED, add_files=[photo("front.jpg")])
    return client.post(WORK_ORDER_ADD_URL, body)


@pytest.fixture
def redis_away():
    with mock.patch.object(cache, "set_many", side_effect=RedisConnectionError("Redis is away")) as set_many:
        yield set_many


def test_a_cache_outage_at_commit_still_answers_the_save_and_promotes_the_file(office_client, redis_away):
    response = add_order_with_a_file(office_client)

    assert redis_away.called  # the invalidation really failed at commit
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.files.get().file.name == f"work-orders/{order.number}/front.jpg"


def test_negative_control_a_plain_on_commit_invalidation_loses_the_promotion(office_client, redis_away):
    # Before core.after_commit, invalidate_on_commit registered a plain (non-robust)
    # transaction.on_commit hook. Django runs such hooks in order and lets an exception escape:
    # the office got a server error for a save that had committed, and the promotion hook
    # registered after the invalidation never ran (the file stayed in staging until reconcile).
    plain = lambda hook, *args: transaction.on_commit(partial(hook, *args))  # noqa: E731
    with mock.patch.object(core.cache, "after_commit", plain), pytest.raises(RedisConnectionError):
        add_order_with_a_file(office_client)

    order = WorkOrder.objects.get()  # committed all the same
    assert order.files.get().file.name.startswith("staging/")
