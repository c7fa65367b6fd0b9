"""The floor pages in Debian's Chromium, driven by Playwright against a live server.

Set AWNING_SCREENSHOTS_DIR to also save the screenshots shown in the README.
"""

from cleaning_queue import services
from cleaning_queue.models import Queue, QueueEntry
from cleaning_queue.tests.factories import queued
from customers.tests.factories import SourceFactory
from testing.browser import DESKTOP, PHONE, browser_marks, logged_in_page, screenshot
from workorders.stages import Stage

pytestmark = browser_marks()


def a_realistic_queue():
    loft = SourceFactory(name="North Sails", is_sail_loft=True)
    marina = SourceFactory(name="Mystic Marina")
    orders = [
        queued(days_ago=12, name="Bimini and dodger", ship_to=marina),
        queued(days_ago=9, name="Main sail 95#", ship_to=loft),
        queued(days_ago=3, firm_rush=True, name="Storefront awning 8'9\"x10'2\""),
        queued(days_ago=7, rush=True, name="Cockpit cushions", is_cushion=True),
        queued(days_ago=5, name="Patio awning", special_instructions="Mildew on the valance."),
    ]
    return orders


def drag(page, source, target) -> None:
    """A pointer drag in small steps, as SortableJS's fallback mode expects."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        y = start["y"] + (end["y"] - start["y"]) * step / 10 + (end["height"] / 4 if step == 10 else 0)
        page.mouse.move(end["x"] + end["width"] / 2, y)
        page.wait_for_timeout(30)
    page.mouse.up()


def queue_order() -> list[int]:
    return list(QueueEntry.objects.order_by("position").values_list("work_order__number", flat=True))


def row_numbers(page) -> list[str]:
    return page.locator("#queue .row").evaluate_all("rows => rows.map(r => r.dataset.number)")


def test_a_manager_drags_an_order_and_the_new_order_survives_a_reload(browser, live_server, manager):
    a_realistic_queue()
    page = logged_in_page(browser, live_server, manager, DESKTOP)
    page.goto(f"{live_server.url}/queue/")
    before = row_numbers(page)
    screenshot(page, "queue-desktop")
    rows = page.locator("#queue .row")
    with page.expect_response(lambda r: "/move" in r.url) as moved:
        drag(page, rows.nth(4).locator(".handle"), rows.nth(0).locator(".handle"))
    assert moved.value.status == 200
    page.reload()
    after = row_numbers(page)
    assert after[0] == before[4] and sorted(after) == sorted(before)
    assert page.locator("#queue .row .position").first.inner_text() == "1"


def test_a_stale_tab_is_told_to_reload_and_moves_nothing(browser, live_server, manager):
    a_realistic_queue()
    page = logged_in_page(browser, live_server, manager, DESKTOP)
    page.goto(f"{live_server.url}/queue/")
    # Meanwhile another manager moves an order.
    first = int(row_numbers(page)[0])
    services.move_in_queue(number=first, to_position=5, expected_version=Queue.objects.get().version, moved_by=manager)
    server_order, version = queue_order(), Queue.objects.get().version
    rows = page.locator("#queue .row")
    with page.expect_response(lambda r: "/move" in r.url) as moved:
        drag(page, rows.nth(3).locator(".handle"), rows.nth(1).locator(".handle"))
    assert moved.value.status == 409
    alert = page.locator("#queue-status")
    alert.wait_for(state="visible")
    assert "reload" in alert.inner_text().lower()
    assert Queue.objects.get().version == version and queue_order() == server_order


def test_a_technician_on_a_phone_marks_an_order_cleaned_and_finds_it_on_the_cleaned_tab(browser, live_server, technician):
    orders = a_realistic_queue()
    page = logged_in_page(browser, live_server, technician, PHONE)
    page.goto(f"{live_server.url}/queue/")
    screenshot(page, "queue-phone")
    page.get_by_role("link", name=f"WO {orders[0].number}").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Cleaned").click()
    assert "cleaned" in page.locator(".message").first.inner_text().lower()
    page.get_by_role("link", name="Board").click()
    page.get_by_role("link", name="Cleaned").click()
    assert page.locator(f'.row[data-number="{orders[0].number}"]').is_visible()
    orders[0].refresh_from_db()
    assert orders[0].stage == Stage.CLEANED
    screenshot(page, "board-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="All recent").click()
    screenshot(page, "board-desktop")
