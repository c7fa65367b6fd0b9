"""Printing tickets: one order from its admin page, the selected rows of an admin list, or a list
of numbers typed by the office (``/tickets/?kind=work&numbers=12,15,9``).

Every path prints through ``render_tickets`` and streams the file inline; nothing is stored.
A ticket shows the order, its items and its customer, so printing needs the view permission on
all three, not only on the order (a technician may see repair orders but not their items).
"""

from django.contrib.auth.decorators import login_required
from django.db import connection, models
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.models import Order
from repairs.models import RepairOrder
from workorders.models import WorkOrder

from .pdf import render_tickets, with_ticket_data

MAX_TICKETS = 500
UNKNOWN_KIND = "Say which orders: kind=work or kind=repair."
NO_NUMBERS = "List the order numbers to print: numbers=12,15,9."
NOT_NUMBERS = "These are not order numbers: {values}."
TOO_MANY = f"At most {MAX_TICKETS} tickets at a time."
UNKNOWN_NUMBERS = "No {kind} with these numbers: {numbers}."
NOT_ALLOWED = "You may not print tickets for these orders."

KINDS: dict[str, type[models.Model]] = {"work": WorkOrder, "repair": RepairOrder}
TICKET_PERMISSIONS: dict[type[models.Model], tuple[str, ...]] = {
    WorkOrder: ("workorders.view_workorder", "workorders.view_workorderitem", "customers.view_customer"),
    RepairOrder: ("repairs.view_repairorder", "repairs.view_repairorderitem", "customers.view_customer"),
}


def can_print_tickets(user, model: type[models.Model]) -> bool:
    # Proxy models of an order (e.g. a filtered admin list) print with the concrete model's rights.
    concrete = model._meta.concrete_model
    return user.has_perms(TICKET_PERMISSIONS[concrete])


def ticket_response(orders: list[Order], filename: str) -> HttpResponse:
    """The orders' tickets as one PDF, shown in the browser (inline) under ``filename``."""
    response = HttpResponse(render_tickets(orders), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    return response


def tickets_filename(model: type[models.Model], numbers: list[int]) -> str:
    stem = "repair-order" if issubclass(model, RepairOrder) else "work-order"
    if len(numbers) == 1:
        return f"{stem}-{numbers[0]}.pdf"
    if len(numbers) <= 10:
        return f"{stem}s-{'-'.join(map(str, numbers))}.pdf"
    return f"{stem}s-{numbers[0]}-and-{len(numbers) - 1}-more.pdf"


# ---------------------------------------------------------------------------------------------
# Staff view: print by number
# ---------------------------------------------------------------------------------------------


@require_GET
@login_required
def print_tickets_by_number(request):
    """``?kind=work|repair&numbers=12,15,9``: one PDF, pages in the order the numbers were given.

    Refusals are plain text: 400 for a bad request (naming the unknown numbers), 403 without
    the view permissions. Repeated numbers print repeated pages (a second copy on purpose).
    """
    model = KINDS.get(request.GET.get("kind", ""))
    if model is None:
        return _bad_request(UNKNOWN_KIND)
    if not can_print_tickets(request.user, model):
        return HttpResponse(NOT_ALLOWED, status=403, content_type="text/plain; charset=utf-8")
    raw = [part.strip() for part in request.GET.get("numbers", "").split(",") if part.strip()]
    if not raw:
        return _bad_request(NO_NUMBERS)
    if bad := [part for part in raw if not part.isdecimal()]:
        return _bad_request(NOT_NUMBERS.format(values=", ".join(bad)))
    if len(raw) > MAX_TICKETS:
        return _bad_request(TOO_MANY)
    numbers = [int(part) for part in raw]
    # A number past the column's range cannot exist, and SQLite cannot even bind it: ask only
    # for the others, so it is reported as unknown like any other missing number.
    _, highest = connection.ops.integer_field_range(model._meta.get_field("number").get_internal_type())
    wanted = {n for n in numbers if n <= highest}
    found = {order.number: order for order in with_ticket_data(model.objects.filter(number__in=wanted))}
    if missing := list(dict.fromkeys(n for n in numbers if n not in found)):
        noun = model._meta.verbose_name
        return _bad_request(UNKNOWN_NUMBERS.format(kind=noun, numbers=", ".join(map(str, missing))))
    return ticket_response([found[n] for n in numbers], tickets_filename(model, numbers))


def _bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
