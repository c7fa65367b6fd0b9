from django.apps import AppConfig


class AwningConfig(AppConfig):
    """The project package as an app: what spans the domain apps (document numbers, demo data,
    shared checks) lives here. It has no tables of its own."""

    name = "awning"
    verbose_name = "Awning back office"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
