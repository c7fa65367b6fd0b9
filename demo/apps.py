from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo shop (``seed_demo``) and the benchmark-only endpoints: never part of the shop's
    own logic, so nothing imports this app."""

    name = "demo"
    verbose_name = "Demo"
