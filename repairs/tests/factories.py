import datetime

import factory
from factory.django import DjangoModelFactory

from customers.tests.factories import CustomerFactory
from repairs import services
from repairs.models import RepairOrder
from workorders.tests.factories import item_data


class RepairOrderFactory(DjangoModelFactory):
    class Meta:
        model = RepairOrder

    customer = factory.SubFactory(CustomerFactory)
    date_in = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=2))
    item_type = "Awning"
    repair_type = "Restitch seams"

    @classmethod
    def _create(cls, model_class, *args, customer, items=None, work_order=None, created_by=None, **fields):
        return services.create_repair_order(
            customer=customer,
            fields=fields,
            items=[item_data()] if items is None else items,
            work_order=work_order,
            created_by=created_by,
        )
