"""The tier rule has one statement in two forms: tier_of for an order in memory, tier_filter for a
query. They must pick the same orders, above all a firm-rush order that is also flagged rush."""

import itertools

import pytest
from django.db.models import Q

from core.choices import Tier, tier_filter, tier_of
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

FLAGS = list(itertools.product((False, True), repeat=2))  # (rush, firm_rush)


def test_a_firm_rush_order_is_only_firm_rush_even_when_also_rush():
    assert tier_of(rush=True, firm_rush=True) == Tier.FIRM_RUSH
    assert tier_of(rush=True, firm_rush=False) == Tier.RUSH
    assert tier_of(rush=False, firm_rush=False) == Tier.REGULAR


def test_tier_filter_selects_the_orders_tier_of_puts_in_the_tier():
    orders = {flags: WorkOrderFactory(rush=flags[0], firm_rush=flags[1]) for flags in FLAGS}
    for tier in Tier:
        expected = {order.pk for (rush, firm), order in orders.items() if tier_of(rush=rush, firm_rush=firm) == tier}
        assert set(WorkOrder.objects.filter(tier_filter(tier)).values_list("pk", flat=True)) == expected, tier


def test_tier_filter_through_a_relation():
    order = WorkOrderFactory(rush=True, firm_rush=True)
    matches = WorkOrder.objects.filter(pk=order.pk)
    assert matches.filter(tier_filter(Tier.FIRM_RUSH)).exists()
    assert not matches.filter(tier_filter(Tier.RUSH)).exists()
    assert tier_filter(Tier.RUSH, prefix="work_order__") == Q(work_order__firm_rush=False, work_order__rush=True)
