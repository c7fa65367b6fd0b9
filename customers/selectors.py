"""Reads that pages share."""

from core.cache import cached

from .models import Source

SOURCE_CHOICES = "source-choices"


def list_source_choices() -> list[tuple[int, str]]:
    """(id, name) of every source, for filters and pick lists; cached for every process."""
    return cached(SOURCE_CHOICES, lambda: list(Source.objects.order_by("name").values_list("pk", "name")))
