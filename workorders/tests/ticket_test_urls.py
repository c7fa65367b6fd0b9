"""The project's URLs plus the ticket wiring, for tests written before that wiring lands.

``admin/`` is a copy of the default admin site in which the work-order and repair-order admins
carry ``PrintTicketsAdminMixin`` exactly as the real ones will; ``tickets/`` is where the project
includes ``workorders.ticket_urls``. Once the project is wired, these tests can drop the
``pytest.mark.urls`` marker and run against ``awning.urls`` unchanged.
"""

from django.contrib import admin
from django.urls import include, path

from repairs.admin import RepairOrderAdmin
from repairs.models import RepairOrder
from workorders.admin import WorkOrderAdmin
from workorders.models import WorkOrder
from workorders.ticket_views import PrintTicketsAdminMixin


class TicketWorkOrderAdmin(PrintTicketsAdminMixin, WorkOrderAdmin):
    readonly_fields = (*WorkOrderAdmin.readonly_fields, "ticket_link")
    fieldsets = (*WorkOrderAdmin.fieldsets, ("Ticket", {"fields": ("ticket_link",)}))
    actions = (*WorkOrderAdmin.actions, "print_tickets")


class TicketRepairOrderAdmin(PrintTicketsAdminMixin, RepairOrderAdmin):
    readonly_fields = (*RepairOrderAdmin.readonly_fields, "ticket_link")
    fieldsets = (*RepairOrderAdmin.fieldsets, ("Ticket", {"fields": ("ticket_link",)}))
    actions = (*RepairOrderAdmin.actions, "print_tickets")


site = admin.AdminSite(name="admin")
for model, model_admin in admin.site._registry.items():
    site.register(model, type(model_admin))
site.unregister(WorkOrder)
site.unregister(RepairOrder)
site.register(WorkOrder, TicketWorkOrderAdmin)
site.register(RepairOrder, TicketRepairOrderAdmin)

urlpatterns = [
    path("admin/", site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("tickets/", include("workorders.ticket_urls")),
]
