import datetime

import numpy as np
import pytest

from mlmodels.features import FEATURE_NAMES, History, OrderHistory, feature_matrix, load_order_facts
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db


def column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def test_one_order_gets_the_same_features_from_its_own_queries_as_from_the_full_history(history, django_assert_num_queries):
    customer = history[3].customer
    order = WorkOrderFactory(
        customer=customer, date_in=history[40].date_in, rush=True, date_required=history[40].date_in + datetime.timedelta(days=9),
        items=[item_data(0, size="10x12", quantity=2), item_data(1, size="95#")],
    )
    facts = load_order_facts(WorkOrder.objects.filter(pk=order.pk))

    batch = feature_matrix(facts, History.of_all_orders())
    with django_assert_num_queries(2):  # the customer's orders, the backlog count
        single = feature_matrix(facts, OrderHistory(facts[0]))

    np.testing.assert_array_equal(batch, single)
    row = dict(zip(FEATURE_NAMES, single[0], strict=True))
    assert row["square_feet"] == 240 and row["sail_items"] == 1 and row["item_count"] == 3
    assert row["days_to_required"] == 9 and row["rush"] == 1
    assert row["backlog"] >= 1


def test_history_features_only_look_at_the_past(history):
    facts = load_order_facts(WorkOrder.objects.filter(pk__in=[o.pk for o in history]).order_by("date_in"))
    first_of_customer = min((f for f in facts if f.customer_id == history[0].customer_id), key=lambda f: f.date_in)

    row = feature_matrix([first_of_customer], History.of_all_orders())[0]

    # The customer's first order knows nothing of their later ones, and on the shop's first day
    # only that day's orders were in.
    assert row[column("customer_prior_orders")] == 0 and row[column("customer_completed_orders")] == 0
    assert row[column("customer_mean_days")] == -1
    assert row[column("backlog")] == 1
