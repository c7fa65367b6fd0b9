import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import OFFICE
from accounts.tests.factories import make_user
from core.choices import ReturnMethod, ReturnTo, StorageTime
from customers.tests.factories import CustomerFactory, SourceFactory
from repairs.models import RepairOrder
from repairs.tests.factories import RepairOrderFactory
from tickets.pdf import ELLIPSIS, TICK_BOXES, render_tickets, with_ticket_data
from tickets.views import NOT_ALLOWED, UNKNOWN_KIND
from workorders.models import WorkOrder
from workorders.tests.factories import WorkOrderFactory, item_data

pytestmark = pytest.mark.django_db

SIZE = "8'9\"x10'2\""
TRICKY_NAME = "Smith & Sons <Awnings>"


def pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace-normalised so line breaks do not matter."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def tickets_url(kind: str, numbers) -> str:
    return f"{reverse('tickets:print')}?kind={kind}&numbers={','.join(map(str, numbers))}"


@pytest.fixture
def work_order():
    source = SourceFactory(name="Bay & <Harbor> Sails")
    customer = CustomerFactory(name=TRICKY_NAME, contact="Ann O'Neil", source=source)
    return WorkOrderFactory(
        customer=customer,
        firm_rush=True,
        date_required=datetime.date.today() + datetime.timedelta(days=7),
        storage_time=StorageTime.SEASONAL,
        rack_number="5 B",
        return_to=ReturnTo.SOURCE,
        return_method=ReturnMethod.SHIP,
        special_instructions="Do not fold the valance.\nCall Ann before delivery & leave at <dock 3>.",
        items=[
            item_data(0, quantity=2, price=Decimal("120.00")),  # size 8'9"x10'2"
            item_data(1, price=Decimal("45.50"), condition="Torn & faded"),
            item_data(2),  # not priced
        ],
    )


def test_ticket_shows_the_order_customer_items_and_tick_boxes(work_order):
    (text,) = pages(render_tickets([work_order]))

    assert f"Work order {work_order.number}" in text
    assert "FIRM RUSH" in text
    assert TRICKY_NAME in text and "Contact: Ann O'Neil" in text
    assert "Bay & <Harbor> Sails" in text  # the source block, and the ship-to cell
    assert work_order.customer.cell_phone in text and work_order.customer.email in text
    assert SIZE in text and "Torn & faded" in text
    assert "240.00" in text  # line total: 2 × 120.00
    assert "Total $285.50" in text and "1 line(s) not priced" in text
    assert "Do not fold the valance." in text and "Call Ann before delivery & leave at <dock 3>." in text
    assert "Seasonal" in text and "5 B" in text and "Ship" in text
    for label in TICK_BOXES:
        assert label in text


def test_repair_ticket_shows_the_repair_details():
    linked = WorkOrderFactory()
    repair = RepairOrderFactory(
        rush=True, item_type="Bimini top", repair_type="Replace zipper", customer_price=Decimal("85.00"),
        work_order=linked,
    )

    (text,) = pages(render_tickets([repair]))

    assert f"Repair order {repair.number}" in text and "RUSH" in text and "FIRM RUSH" not in text
    assert "Bimini top" in text and "Replace zipper" in text and "$85.00" in text
    assert f"Work order {linked.number}" in text
    assert "Ship to" not in text  # repair orders have no ship-to


def test_customer_without_source_prints_no_source_block():
    order = WorkOrderFactory(customer=CustomerFactory(source=None))

    (text,) = pages(render_tickets([order]))

    assert "SOURCE" not in text and "Regular" in text


def test_one_page_per_order_in_the_order_given(work_order):
    repair = RepairOrderFactory()
    other = WorkOrderFactory()
    titles = [f"Work order {other.number}", f"Repair order {repair.number}", f"Work order {work_order.number}"]

    texts = pages(render_tickets([other, repair, work_order]))

    assert len(texts) == 3
    for title, text in zip(titles, texts, strict=True):
        assert title in text


@pytest.mark.parametrize("model", [WorkOrder, RepairOrder])
def test_tickets_read_any_number_of_orders_in_two_queries(django_assert_num_queries, model):
    factory = WorkOrderFactory if model is WorkOrder else RepairOrderFactory
    numbers = [factory(customer=CustomerFactory(source=SourceFactory())).number for _ in range(3)]

    with django_assert_num_queries(2):  # orders with customer, source and ship-to / work order; items
        texts = pages(render_tickets(with_ticket_data(model.objects.filter(number__in=numbers))))

    assert len(texts) == 3


def test_sixty_items_still_fit_one_page():
    items = [item_data(n, description=f"Panel {n:02d}", price=Decimal("10.00")) for n in range(60)]
    order = WorkOrderFactory(items=items)

    (text,) = pages(render_tickets([order]))

    shown = sum(f"Panel {n:02d}" in text for n in range(60))
    more = int(text.split("+ ")[1].split(" more items")[0])
    assert shown >= 20 and shown + more == 60
    assert "Total $600.00" in text and "60 line(s)" in text  # the total counts every item


def test_instructions_too_long_for_the_page_are_cut_with_an_ellipsis():
    words = " ".join(f"word{n}" for n in range(3000))
    order = WorkOrderFactory(special_instructions=f"{words} THE-END", items=[item_data(n) for n in range(40)])

    (text,) = pages(render_tickets([order]))

    assert "word0 word1" in text and ELLIPSIS in text and "THE-END" not in text
    assert "Approved" in text  # the tick boxes below the instructions are still drawn


def test_print_by_number_returns_one_inline_pdf_in_the_requested_order(office_client):
    first, second, third = WorkOrderFactory(), WorkOrderFactory(), WorkOrderFactory()
    numbers = [third.number, first.number, second.number]

    response = office_client.get(tickets_url("work", numbers))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    texts = pages(response.content)
    assert len(texts) == 3
    for text, number in zip(texts, numbers, strict=True):
        assert f"Work order {number}" in text


def test_print_by_number_prints_repair_orders(office_client):
    repair = RepairOrderFactory()

    response = office_client.get(tickets_url("repair", [repair.number]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="repair-order-{repair.number}.pdf"'
    assert f"Repair order {repair.number}" in pages(response.content)[0]


def test_unknown_numbers_are_a_bad_request_that_names_them(office_client):
    known = WorkOrderFactory()
    missing = [known.number + 1000, 99_999_999_999_999_999_999]  # the second is past any integer column

    response = office_client.get(tickets_url("work", [known.number, *missing]))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == f"No work order with these numbers: {missing[0]}, {missing[1]}."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?kind=cleaning&numbers=1", UNKNOWN_KIND),
        ("?kind=work", "List the order numbers to print: numbers=12,15,9."),
        ("?kind=work&numbers=12,abc,-3", "These are not order numbers: abc, -3."),
    ],
)
def test_malformed_requests_are_bad_requests(office_client, query, message):
    response = office_client.get(reverse("tickets:print") + query)

    assert response.status_code == 400 and response.content.decode() == message


def test_anonymous_user_is_sent_to_log_in(client):
    order = WorkOrderFactory()

    response = client.get(tickets_url("work", [order.number]))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_technician_may_not_print_repair_tickets(client, technician):
    # Technicians see repair orders on the floor but not their item lists (accounts/roles.py).
    repair = RepairOrderFactory()
    client.force_login(technician)

    response = client.get(tickets_url("repair", [repair.number]))

    assert response.status_code == 403 and response.content.decode() == NOT_ALLOWED


def test_technician_may_print_work_order_tickets(client, technician):
    order = WorkOrderFactory()
    client.force_login(technician)

    assert client.get(tickets_url("work", [order.number])).status_code == 200


def test_user_without_permissions_is_refused(client):
    order = WorkOrderFactory()
    nobody = make_user(OFFICE)
    nobody.groups.clear()
    client.force_login(nobody)

    assert client.get(tickets_url("work", [order.number])).status_code == 403


def test_admin_action_prints_in_the_order_selected(office_client):
    orders = [WorkOrderFactory() for _ in range(3)]
    selected = [orders[2], orders[0], orders[1]]

    response = office_client.post(
        reverse("admin:workorders_workorder_changelist"),
        {"action": "print_tickets", ACTION_CHECKBOX_NAME: [str(o.pk) for o in selected]},
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    texts = pages(response.content)
    assert [f"Work order {o.number}" in text for o, text in zip(selected, texts, strict=True)] == [True] * 3


def test_admin_action_prints_repair_orders(office_client):
    repairs = [RepairOrderFactory() for _ in range(2)]

    response = office_client.post(
        reverse("admin:repairs_repairorder_changelist"),
        {"action": "print_tickets", ACTION_CHECKBOX_NAME: [str(repairs[1].pk), str(repairs[0].pk)]},
    )

    texts = pages(response.content)
    assert f"Repair order {repairs[1].number}" in texts[0] and f"Repair order {repairs[0].number}" in texts[1]


def test_admin_action_refuses_a_staff_user_who_may_not_see_the_items(client):
    repair = RepairOrderFactory()
    clerk = make_user(OFFICE)
    clerk.groups.clear()
    clerk.user_permissions.add(Permission.objects.get(codename="view_repairorder"))
    client.force_login(clerk)

    response = client.post(
        reverse("admin:repairs_repairorder_changelist"),
        {"action": "print_tickets", ACTION_CHECKBOX_NAME: [str(repair.pk)]},
        follow=True,
    )

    assert response["Content-Type"].startswith("text/html")
    assert NOT_ALLOWED in response.content.decode()
    assert client.get(ticket_url("repair", repair.number)).status_code == 403


def ticket_url(kind: str, number: int) -> str:
    """What an order's admin page links to as its ticket."""
    return f"{reverse('tickets:print')}?kind={kind}&numbers={number}"


def test_an_order_s_ticket_link_returns_its_pdf(office_client, work_order):
    response = office_client.get(ticket_url("work", work_order.number))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="work-order-{work_order.number}.pdf"'
    (text,) = pages(response.content)
    assert TRICKY_NAME in text


@pytest.mark.parametrize("kind", ["work", "repair"])
def test_admin_change_page_links_to_the_ticket(office_client, work_order, kind):
    order = work_order if kind == "work" else RepairOrderFactory(customer=work_order.customer)
    opts = order._meta
    link = ticket_url(kind, order.number).replace("&", "&amp;")

    change = office_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[order.pk]))
    add = office_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert change.status_code == 200 and f'href="{link}"' in change.content.decode()
    assert add.status_code == 200 and "numbers=" not in add.content.decode()  # no link for an unsaved order
