"""The "Print tickets" action on the work-order and repair-order lists.

Registered onto those admins from here (core.admin_base.extend_admin), so the order apps never
import tickets; each order page links to ``tickets:print`` by URL name.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from core.admin_base import extend_admin

from .pdf import with_ticket_data
from .views import MAX_TICKETS, NOT_ALLOWED, TOO_MANY, can_print_tickets, ticket_response, tickets_filename


@admin.action(description="Print tickets (one PDF)", permissions=["view"])
def print_tickets(modeladmin, request, queryset):
    if not can_print_tickets(request.user, modeladmin.model):
        modeladmin.message_user(request, NOT_ALLOWED, messages.ERROR)
        return None
    orders = list(with_ticket_data(queryset)[: MAX_TICKETS + 1])
    if len(orders) > MAX_TICKETS:
        modeladmin.message_user(request, TOO_MANY, messages.ERROR)
        return None
    if request.POST.get("select_across") != "1":
        # Print in the order the rows were ticked, not in the queryset's order.
        position = {pk: index for index, pk in enumerate(request.POST.getlist(ACTION_CHECKBOX_NAME))}
        orders.sort(key=lambda order: position.get(str(order.pk), len(position)))
    return ticket_response(orders, tickets_filename(modeladmin.model, [order.number for order in orders]))


for label in ("workorders.WorkOrder", "repairs.RepairOrder"):
    extend_admin(label, actions=(print_tickets,))
