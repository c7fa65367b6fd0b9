import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.dashboard import get_dashboard_counts, list_recent_work_orders
from testing.orders import completed_order, days_ago, order_at
from workorders.services import change_work_order_stage, convert_check_in
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("insights:dashboard")


@pytest.fixture
def shop(manager):
    """Known counts: the answer to every tile."""
    orders = {
        "firm": [order_at(Stage.QUEUED, manager, firm_rush=True), order_at(Stage.QUEUED, manager, firm_rush=True, rush=True)],
        "rush": [order_at(Stage.QUEUED, manager, rush=True)],
        "regular": [order_at(Stage.QUEUED, manager), order_at(Stage.IN_PROGRESS, manager)],
        "cleaned": order_at(Stage.CLEANED, manager),
        "treated": order_at(Stage.TREATED, manager, date_in=days_ago(9), date_required=days_ago(2)),
        "packaged": order_at(Stage.PACKAGED, manager),
        "awaiting": [order_at(Stage.AWAITING_QUOTE, manager, date_in=days_ago(9), date_required=days_ago(1)),
                     order_at(Stage.AWAITING_QUOTE, manager, date_required=days_ago(0))],
        "done": completed_order(manager, date_in=days_ago(20), completed_on=days_ago(3), date_required=days_ago(10)),
    }
    CheckInFactory(), CheckInFactory()
    convert_check_in(check_in=CheckInFactory(), converted_by=manager)  # processed, and one more awaiting order
    return orders


EXPECTED = {
    "queue_firm_rush": 2, "queue_rush": 1, "queue_regular": 2, "queue_total": 5, "in_progress": 1,
    "cleaned": 1, "treated": 1, "packaged": 1, "awaiting_quote": 3, "pending_check_ins": 2,
    # past its date required and still open: the treated order and one awaiting quote (required
    # today is not overdue yet; the completed one no longer counts)
    "overdue": 2,
}


def test_dashboard_counts_every_tile(shop):
    assert get_dashboard_counts() == EXPECTED


def test_counts_are_two_queries_then_cached(shop):
    with CaptureQueriesContext(connection) as first:
        get_dashboard_counts()
    with CaptureQueriesContext(connection) as second:
        get_dashboard_counts()
    assert len(first) == 2 and len(second) == 0


def test_a_committed_stage_change_refreshes_the_counts(shop, manager, django_capture_on_commit_callbacks):
    get_dashboard_counts()
    with django_capture_on_commit_callbacks(execute=False):  # the transaction never commits
        change_work_order_stage(work_order=shop["cleaned"], to_stage=Stage.TREATED, changed_by=manager)
    assert get_dashboard_counts()["treated"] == 1  # the cached value, untouched by an uncommitted change
    with django_capture_on_commit_callbacks(execute=True):
        change_work_order_stage(work_order=shop["packaged"], to_stage=Stage.COMPLETED, changed_by=manager)
    counts = get_dashboard_counts()
    assert counts["packaged"] == 0 and counts["treated"] == 2


def test_new_check_ins_and_orders_refresh_the_counts(shop, manager, django_capture_on_commit_callbacks):
    get_dashboard_counts()
    with django_capture_on_commit_callbacks(execute=True):
        CheckInFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order_at(Stage.QUEUED, manager, rush=True)
    counts = get_dashboard_counts()
    assert (counts["pending_check_ins"], counts["queue_rush"]) == (3, 2)


def test_recent_orders_are_the_ten_last_changed(manager):
    orders = [order_at(Stage.AWAITING_QUOTE, manager) for _ in range(12)]
    change_work_order_stage(work_order=orders[0], to_stage=Stage.QUEUED, changed_by=manager)
    recent = list_recent_work_orders()
    assert len(recent) == 10
    assert [o.pk for o in recent] == [orders[0].pk] + [o.pk for o in orders[:2:-1]]


def test_staff_dashboard_shows_the_counts_and_recent_orders(client, office_user, shop):
    client.force_login(office_user)
    page = client.get(DASHBOARD).content.decode()
    for name, value in EXPECTED.items():
        assert f'data-count="{name}">{value}<' in page
    assert f">{shop['done'].number}</a>" in page
    assert reverse("insights:analytics") not in page  # office staff see no analytics link


def test_technicians_get_the_queue_and_board_only(client, technician, shop):
    client.force_login(technician)
    response = client.get(DASHBOARD)
    page = response.content.decode()
    assert response.templates[0].name == "insights/floor_dashboard.html"
    assert 'data-count="queue_total">5<' in page and f"WO {shop['firm'][0].number}" in page
    assert "awaiting_quote" not in page and "pending_check_ins" not in page and "/admin/" not in page


def test_dashboard_needs_a_login(client):
    assert client.get(DASHBOARD)["Location"].startswith(reverse("login"))


def test_the_admin_index_links_the_dashboard_and_analytics_by_role(client, office_user, manager):
    client.force_login(office_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert DASHBOARD in page and reverse("insights:analytics") not in page
    client.force_login(manager)
    assert reverse("insights:analytics") in client.get(reverse("admin:index")).content.decode()


def test_the_overdue_tile_opens_the_overdue_orders(client, office_user, shop):
    client.force_login(office_user)
    page = client.get(DASHBOARD).content.decode()
    link = page.split('<a class="tile alert" href="')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    assert {o.pk for o in response.context["cl"].result_list} == {shop["treated"].pk, shop["awaiting"][0].pk}
