"""The office at the counter, in Debian's Chromium: check in, convert, print the ticket."""

import io

from pypdf import PdfReader

from customers.tests.factories import CustomerFactory, SourceFactory
from testing.browser import DESKTOP, browser_marks, logged_in_page, screenshot
from workorders.models import CheckIn

pytestmark = browser_marks()


def test_an_office_user_checks_in_two_items_converts_and_prints_the_ticket(browser, live_server, office_user):
    customer = CustomerFactory(name="Harbor & Sons", source=SourceFactory(name="Mystic Marina"))
    page = logged_in_page(browser, live_server, office_user, DESKTOP)
    page.goto(f"{live_server.url}/admin/workorders/checkin/add/?customer={customer.pk}")
    page.fill("#id_rack_number", "Bin 4 top")
    page.fill("#id_special_instructions", "Mildew on the valance.")
    page.fill("#id_items-0-description", "Awning")
    page.fill("#id_items-0-size", "8'9\"x10'2\"")
    page.get_by_role("button", name="Add another Check-in item").click()
    page.fill("#id_items-1-description", "Bimini")
    page.fill("#id_items-1-quantity", "2")
    screenshot(page, "check-in-desktop")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    check_in = CheckIn.objects.get(customer=customer)
    assert sorted(check_in.items.values_list("description", "quantity")) == [("Awning", 1), ("Bimini", 2)]
    page.check(f'input[name="_selected_action"][value="{check_in.pk}"]')
    page.select_option('select[name="action"]', "convert_to_work_orders")
    page.get_by_role("button", name="Go").click()
    assert "converted into work orders" in page.locator(".messagelist").inner_text()

    check_in.refresh_from_db()
    order = check_in.work_order
    page.goto(f"{live_server.url}/admin/workorders/workorder/{order.pk}/change/")
    ticket_href = page.get_by_role("link", name="Print ticket").get_attribute("href")
    screenshot(page, "work-order-desktop")
    response = page.request.get(f"{live_server.url}{ticket_href}")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    for expected in (f"Work order {order.number}", "Harbor & Sons", "8'9\"x10'2\"", "Bimini", "Bin 4 top", "Mildew"):
        assert expected in text, expected
