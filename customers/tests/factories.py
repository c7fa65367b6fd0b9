"""Factories that create through the services, so every row they make is a row the app could make."""

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from customers import services
from customers.models import CatalogItem, Customer, Source

fake = Faker()


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"{fake.company()} Sails {n}")
    city = factory.Faker("city")
    state = factory.Faker("state_abbr")
    zip_code = factory.Faker("zipcode")
    phone = factory.Faker("numerify", text="(###) ###-####")
    email = factory.Faker("company_email")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_source(fields=kwargs)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    contact = factory.Faker("name")
    address = factory.Faker("street_address")
    city = factory.Faker("city")
    state = factory.Faker("state_abbr")
    zip_code = factory.Faker("zipcode")
    cell_phone = factory.Faker("numerify", text="(###) ###-####")
    email = factory.Faker("email")
    source = None

    @classmethod
    def _create(cls, model_class, *args, created_by=None, **kwargs):
        return services.create_customer(fields=kwargs, created_by=created_by)


class CatalogItemFactory(DjangoModelFactory):
    class Meta:
        model = CatalogItem

    customer = factory.SubFactory(CustomerFactory)
    description = factory.Iterator(["Awning", "Main sail", "Bimini", "Dodger", "Sail cover", "Cushion"])
    material = factory.Iterator(["Sunbrella", "Dacron", "Vinyl", ""])
    colour = factory.Iterator(["Navy", "Forest green", "Tan", "White"])
    size = factory.Sequence(lambda n: f"{8 + n % 9}'{n % 12}\"x{10 + n % 7}'")
    price = factory.Faker("pydecimal", left_digits=3, right_digits=2, positive=True)
    quantity = 1

    @classmethod
    def _create(cls, model_class, *args, customer, **kwargs):
        return services.create_catalog_item(customer=customer, fields=kwargs)
