"""Ticket printing outside the admin; included by the project at ``tickets/``."""

from django.urls import path

from . import views as ticket_views

app_name = "tickets"

urlpatterns = [
    path("", ticket_views.print_tickets_by_number, name="print"),
]
