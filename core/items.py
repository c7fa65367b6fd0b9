"""Order, check-in and catalog lines: the one list of item fields and how typed lines are built."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from .editing import validate

M = TypeVar("M", bound=models.Model)

ITEM_FIELDS = frozenset(
    {"description", "material", "condition", "colour", "size", "quantity", "price", "catalog_item"}
)


def build_lines(model: type[M], *, parent_field: str, parent: models.Model, items: Iterable[Mapping[str, Any]]) -> list[M]:
    """Validated, unsaved line rows for ``parent``; keys other than the item fields are ignored.

    All lines are validated before anything is written, so a bad line never leaves an order
    half-replaced.
    """
    lines = []
    for index, data in enumerate(items, start=1):
        values = {name: value for name, value in data.items() if name in ITEM_FIELDS}
        line = model(**{parent_field: parent}, **normalise_item_text(values))
        try:
            validate(line, exclude=[parent_field])
        except ValidationError as error:
            raise ValidationError(
                [f"Item {index}: {field}: {'; '.join(messages)}" for field, messages in error.message_dict.items()]
            ) from error
        lines.append(line)
    return lines


def normalise_item_text(values: dict[str, Any]) -> dict[str, Any]:
    """Trim the free-text item fields and fold the legacy spellings of an unknown material."""
    for name in ("description", "material", "condition", "colour", "size"):
        if name in values:
            values[name] = " ".join((values[name] or "").split())
    if values.get("material", "").casefold() == "unknown":
        values["material"] = ""
    return values
