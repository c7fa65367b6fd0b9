import datetime

import factory
from factory.django import DjangoModelFactory

from core.choices import QuoteStatus
from customers.tests.factories import CustomerFactory
from workorders import services
from workorders.models import CheckIn, WorkOrder


def item_data(n: int = 0, **overrides) -> dict:
    """One order line as the services take it."""
    data = {
        "description": ["Awning", "Main sail", "Bimini", "Dodger", "Cushion"][n % 5],
        "material": ["Sunbrella", "Dacron", "Vinyl"][n % 3],
        "colour": ["Navy", "Tan", "White"][n % 3],
        "condition": "",
        "size": f"{8 + n}'9\"x10'2\"",
        "quantity": 1,
        "price": None,
    }
    return data | overrides


class WorkOrderFactory(DjangoModelFactory):
    """``items`` is a list of item dicts (default: one awning); ``created_by`` the actor."""

    class Meta:
        model = WorkOrder

    customer = factory.SubFactory(CustomerFactory)
    date_in = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    quote = QuoteStatus.NEEDED

    @classmethod
    def _create(cls, model_class, *args, customer, items=None, created_by=None, **fields):
        return services.create_work_order(
            customer=customer, fields=fields, items=[item_data()] if items is None else items, created_by=created_by
        )


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    customer = factory.SubFactory(CustomerFactory)

    @classmethod
    def _create(cls, model_class, *args, customer, items=None, created_by=None, **fields):
        return services.create_check_in(
            customer=customer, fields=fields, items=[item_data()] if items is None else items, created_by=created_by
        )
