"""The admin and the floor pages work under the Content-Security-Policy, in Chromium.

Chromium reports every blocked script, style or image on the console ("Refused to ..."); a page
that needs inline code would show one here before a user ever met a dead button.
"""

import pytest
from django.urls import Resolver404, resolve, reverse

from cleaning_queue.tests.factories import queued
from customers.tests.factories import CatalogItemFactory, SourceFactory
from testing.browser import DESKTOP, browser_marks, logged_in_page

pytestmark = browser_marks()


@pytest.fixture
def watched_page(browser, live_server, admin_role_user):  # noqa: F811
    page = logged_in_page(browser, live_server, admin_role_user, DESKTOP)
    page.problems = []
    page.on("console", lambda message: page.problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("response", lambda response: page.problems.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return page


def test_admin_pages_raise_no_policy_violation(watched_page, live_server):
    item = CatalogItemFactory(customer__source=SourceFactory(name="North Sails", is_sail_loft=True))
    order = queued(days_ago=3, customer=item.customer, name="Patio awning")
    page = watched_page
    response = page.goto(f"{live_server.url}{reverse('admin:index')}")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    for url in (
        reverse("admin:workorders_workorder_changelist"),
        reverse("admin:workorders_workorder_add") + f"?customer={item.customer.pk}",
        reverse("admin:workorders_workorder_change", args=[order.pk]),
        reverse("admin:customers_customer_change", args=[item.customer.pk]),
        reverse("admin:accounts_user_changelist"),
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")

    # The admin's own scripts run: "add another item" makes a new inline row.
    page.goto(f"{live_server.url}{reverse('admin:workorders_workorder_add')}")
    rows = page.locator("tr.form-row.dynamic-items")
    before = rows.count()
    page.locator(".add-row a").first.click()
    assert rows.count() == before + 1
    assert page.problems == []


def test_floor_pages_work_without_inline_script(watched_page, live_server):
    queued(days_ago=5, name="Bimini and dodger")
    page = watched_page
    page.goto(f"{live_server.url}/queue/")

    page.get_by_label("Hide sail orders").check()  # was an inline onchange handler
    page.wait_for_url("**hide_sail=1**", timeout=5000)

    page.goto(f"{live_server.url}/queue/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Reset to default order").click()  # was an inline onsubmit
    page.wait_for_timeout(200)
    assert asked and "default order" in asked[0]
    assert page.url.endswith("/queue/")  # dismissed: nothing was posted

    for path in ("/queue/board/", *_existing("/dashboard/", "/analytics/"), "/accounts/login/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert page.problems == []


def _existing(*paths: str) -> list[str]:
    """Pages of apps that may not be installed in every checkout."""
    found = []
    for path in paths:
        try:
            resolve(path)
            found.append(path)
        except Resolver404:
            pass
    return found
