"""Every series against a small shop whose answers are worked out by hand (March 2025)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.tests.factories import CustomerFactory, SourceFactory
from insights.analytics import SERIES, DateRange, get_analytics
from testing.orders import completed_order, line
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
MARCH = DateRange(start=date(2025, 3, 3), end=date(2025, 3, 30))  # Monday to Sunday, four weeks
QUERY = "start=2025-03-03&end=2025-03-30"


@pytest.fixture
def march(manager):
    harbor, bay = SourceFactory(name="Harbor Sails"), SourceFactory(name="=Bay Canvas")
    walk_in = SourceFactory(name="Customer", is_placeholder=True)
    d = date
    # A: regular, 12 days; an awning 8x10 twice at $50 and a sail (no area) at $200
    completed_order(manager, date_in=d(2025, 2, 20), completed_on=d(2025, 3, 4),
                    items=[line("8x10", quantity=2, price="50"), line("95#", price="200", n=1)])
    # B: rush, 4 days; 10'6"x8'3" = 86.62 sq ft, unpriced
    completed_order(manager, date_in=d(2025, 3, 1), completed_on=d(2025, 3, 5), rush=True,
                    items=[line("10'6\"x8'3\"")])
    # C: firm rush, 10 days; junk size, $30
    completed_order(manager, date_in=d(2025, 3, 10), completed_on=d(2025, 3, 20), firm_rush=True,
                    customer=CustomerFactory(source=harbor), items=[line(".", price="30")])
    # D: regular, 4 days, completed on a Sunday; 4x5 three times at $10
    completed_order(manager, date_in=d(2025, 3, 12), completed_on=d(2025, 3, 16),
                    customer=CustomerFactory(source=harbor), items=[line("4x5", quantity=3, price="10")])
    # E: in before the range, completed after it
    completed_order(manager, date_in=d(2025, 3, 2), completed_on=d(2025, 4, 2), items=[line("8x10", price="99")])
    # H: legacy data completed the day before it came in: never open, no turnaround
    completed_order(manager, date_in=d(2025, 3, 25), completed_on=d(2025, 3, 24),
                    customer=CustomerFactory(source=walk_in), items=[line("2x3")])
    # F, G: still open
    WorkOrderFactory(date_in=d(2025, 3, 18), customer=CustomerFactory(source=bay))
    WorkOrderFactory(date_in=d(2025, 2, 1))


def test_weekly_throughput_counts_orders_and_square_feet_by_completion_week(march):
    assert SERIES["throughput"](MARCH) == [
        {"week": date(2025, 3, 3), "orders_completed": 2, "square_feet": Decimal("246.62")},
        {"week": date(2025, 3, 10), "orders_completed": 1, "square_feet": Decimal("60.00")},
        {"week": date(2025, 3, 17), "orders_completed": 1, "square_feet": Decimal("0")},
        {"week": date(2025, 3, 24), "orders_completed": 1, "square_feet": Decimal("6.00")},
    ]


def test_backlog_is_the_open_orders_at_each_week_end(march):
    assert [(row["week_ending"].day, row["open_orders"]) for row in SERIES["backlog"](MARCH)] == [
        (9, 2),  # G, E
        (16, 3),  # + C (D came and went within the week)
        (23, 3),  # + F, - C
        (30, 3),  # H never open
    ]


def test_backlog_matches_a_direct_count_on_any_week(march):
    from workorders.models import WorkOrder

    for row in SERIES["backlog"](MARCH):
        sunday = row["week_ending"]
        direct = WorkOrder.objects.filter(date_in__lte=sunday).exclude(completed_on__lte=sunday).count()
        assert row["open_orders"] == direct


def test_turnaround_by_tier_averages_days_in_to_done(march):
    assert SERIES["turnaround"](MARCH) == [
        {"tier": "Firm rush", "orders_completed": 1, "average_days": Decimal("10.0")},
        {"tier": "Rush", "orders_completed": 1, "average_days": Decimal("4.0")},
        {"tier": "Regular", "orders_completed": 2, "average_days": Decimal("8.0")},
    ]


def test_turnaround_of_a_tier_without_orders_is_empty(db):
    assert [row["average_days"] for row in SERIES["turnaround"](MARCH)] == [None, None, None]


def test_revenue_by_month_sums_price_times_quantity(march):
    assert SERIES["revenue"](MARCH) == [{"month": date(2025, 3, 1), "revenue": Decimal("360.00")}]
    april = DateRange(start=date(2025, 3, 15), end=date(2025, 4, 30))
    assert [row["revenue"] for row in SERIES["revenue"](april)] == [Decimal("360.00"), Decimal("99.00")]


def test_top_sources_rank_orders_brought_in_leaving_out_placeholders(march):
    assert SERIES["sources"](MARCH) == [{"source": "Harbor Sails", "orders": 2}, {"source": "=Bay Canvas", "orders": 1}]


def test_the_number_of_queries_does_not_grow_with_the_orders(march, manager):
    with CaptureQueriesContext(connection) as few:
        {name: build(MARCH) for name, build in SERIES.items()}
    for day in range(3, 20):
        completed_order(manager, date_in=date(2025, 3, 1), completed_on=date(2025, 3, day))
    with CaptureQueriesContext(connection) as more:
        {name: build(MARCH) for name, build in SERIES.items()}
    assert len(few) == len(more) <= 10
    assert SERIES["throughput"](MARCH)[0]["orders_completed"] == 2 + 7  # Mar 3 to 9 added


def test_page_shows_every_chart_for_managers(client, manager, march):
    client.force_login(manager)
    response = client.get(reverse("insights:analytics"), {"start": "2025-03-03", "end": "2025-03-30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="chart"') == 6
    assert "<title>Harbor Sails: 2</title>" in page
    assert ' style="' not in page.split('id="content"')[1] and "<script" not in page.split('id="content"')[1]
    for series in SERIES:
        assert f"{reverse('insights:analytics-csv', args=[series])}?{QUERY.replace('&', '&amp;')}" in page


def test_a_bad_range_falls_back_to_the_default_with_the_error(client, manager):
    client.force_login(manager)
    page = client.get(reverse("insights:analytics"), {"start": "2025-03-30", "end": "2025-03-01"}).content.decode()
    assert "The end date is before the start date." in page and page.count('<svg class="chart"') == 6


@pytest.mark.parametrize(
    "query", [{"end": "0001-01-01"}, {"start": "9999-06-01", "end": "9999-12-31"}], ids=["year-1", "year-9999"]
)
def test_dates_at_the_calendar_s_edges_are_a_form_error(client, manager, query):
    client.force_login(manager)
    for url in (reverse("insights:analytics"), reverse("insights:analytics-csv", args=["throughput"])):
        response = client.get(url, query)
        assert response.status_code == 200
    assert "Choose dates between 1900 and 2200." in client.get(reverse("insights:analytics"), query).content.decode()


def test_renaming_a_source_moves_the_cached_analytics_on(march, django_capture_on_commit_callbacks):
    from customers.models import Source
    from customers.services import update_source

    assert SERIES["sources"](MARCH)[0]["source"] == "Harbor Sails"
    assert get_analytics(MARCH)["sources"][0]["source"] == "Harbor Sails"  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        update_source(source=Source.objects.get(name="Harbor Sails"), fields={"name": "Harbour Sailmakers"})
    assert get_analytics(MARCH)["sources"][0]["source"] == "Harbour Sailmakers"


def test_analytics_is_for_managers(client, office_user, technician):
    for user in (office_user, technician):
        client.force_login(user)
        assert client.get(reverse("insights:analytics")).status_code == 403
        assert client.get(reverse("insights:analytics-csv", args=["revenue"])).status_code == 403


def test_csv_download_of_each_series(client, manager, march):
    client.force_login(manager)
    response = client.get(reverse("insights:analytics-csv", args=["throughput"]) + "?" + QUERY)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="throughput_2025-03-03_2025-03-30.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["week starting", "orders completed", "square feet"], ["2025-03-03", "2", "246.62"],
                    ["2025-03-10", "1", "60.00"], ["2025-03-17", "1", "0.00"], ["2025-03-24", "1", "6.00"]]
    sources = client.get(reverse("insights:analytics-csv", args=["sources"]) + "?" + QUERY).content.decode()
    assert "'=Bay Canvas" in sources  # a name that a spreadsheet would run as a formula
    assert client.get(reverse("insights:analytics-csv", args=["nope"])).status_code == 404


def test_analytics_are_cached_until_a_work_order_changes(march, manager, django_capture_on_commit_callbacks):
    first = get_analytics(MARCH)
    with CaptureQueriesContext(connection) as cached:
        assert get_analytics(MARCH) == first
    assert len(cached) == 0
    with django_capture_on_commit_callbacks(execute=True):
        completed_order(manager, date_in=date(2025, 3, 3), completed_on=date(2025, 3, 6))
    assert get_analytics(MARCH)["throughput"][0]["orders_completed"] == 3


def test_open_orders_do_not_count_as_completed(manager):
    WorkOrderFactory(date_in=date(2025, 3, 4))
    assert sum(row["orders_completed"] for row in SERIES["throughput"](MARCH)) == 0
    assert SERIES["backlog"](MARCH)[0]["open_orders"] == 1


def test_monthly_revenue_covers_whole_months_like_the_weeks(manager):
    completed_order(manager, date_in=date(2025, 3, 20), completed_on=date(2025, 3, 31), items=[line("8x10", price="75")])
    assert SERIES["revenue"](MARCH) == [{"month": date(2025, 3, 1), "revenue": Decimal("75.00")}]
