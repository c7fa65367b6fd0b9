"""The dashboard and analytics pages in Debian's Chromium, under the site's Content-Security-Policy.

Set AWNING_SCREENSHOTS_DIR to also save the screenshots shown in the README.
"""

import random
from datetime import timedelta

from customers.tests.factories import CustomerFactory, SourceFactory
from testing.browser import DESKTOP, PHONE, browser_marks, logged_in_page, screenshot
from testing.orders import completed_order, days_ago, line, order_at
from workorders.stages import Stage
from workorders.tests.factories import CheckInFactory

pytestmark = browser_marks()
SIZES = ["8'9\"x10'2\"", "8x10", "12'6\" x 9'", "8x10=80'", "44 yds.", "95#"]


def a_season_of_work(manager):
    rng = random.Random(3)
    sources = [SourceFactory(name=name) for name in ("North Sails", "Mystic Marina", "Harbor Canvas", "Bay Awning Co")]
    customers = [CustomerFactory(source=rng.choice(sources)) for _ in range(8)]
    for n in range(60):
        date_in = days_ago(rng.randint(5, 180))
        completed_order(
            manager, customer=rng.choice(customers), date_in=date_in,
            completed_on=min(date_in + timedelta(days=rng.randint(3, 30)), days_ago(0)),
            rush=rng.random() < 0.2, firm_rush=rng.random() < 0.08,
            items=[line(rng.choice(SIZES), quantity=rng.choice((1, 2)), price=str(rng.choice((45, 95, 180))), n=n)],
        )
    for stage in (Stage.QUEUED, Stage.QUEUED, Stage.IN_PROGRESS, Stage.CLEANED, Stage.PACKAGED, Stage.AWAITING_QUOTE):
        order_at(stage, manager, rush=rng.random() < 0.3, date_in=days_ago(6), date_required=days_ago(rng.randint(-5, 2)))
    CheckInFactory()


def csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def test_a_manager_reads_the_dashboard_and_the_analytics(browser, live_server, manager):
    a_season_of_work(manager)
    page = logged_in_page(browser, live_server, manager, DESKTOP)
    violations = csp_violations(page)
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator('[data-count="queue_total"]').inner_text() == "3"
    screenshot(page, "dashboard-desktop")
    page.click("text=Analytics")
    charts = page.locator("svg.chart")
    assert charts.count() == 6 and charts.first.is_visible()
    assert page.locator("svg.chart rect.bar").count() > 20
    screenshot(page, "analytics-desktop")
    with page.expect_download() as download:
        page.locator("a.csv").first.click()
    assert download.value.suggested_filename.startswith("throughput_")
    assert violations == []


def test_a_technician_sees_the_floor_dashboard_on_a_phone(browser, live_server, manager, technician):
    a_season_of_work(manager)
    page = logged_in_page(browser, live_server, technician, PHONE)
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator('[data-count="queue_total"]').inner_text() == "3"
    assert page.locator("text=Analytics").count() == 0
    screenshot(page, "dashboard-technician-phone")
