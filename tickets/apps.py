from django.apps import AppConfig


class TicketsConfig(AppConfig):
    """Printed PDF tickets for work and repair orders."""

    name = "tickets"
    verbose_name = "Tickets"
