from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: abstract models, choices, errors, editing and item helpers, numbering,
    cache, locks, the admin base and HTTP plumbing. No tables; every app may import it, and it
    imports none of them."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
