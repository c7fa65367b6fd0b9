"""Order, check-in and catalog lines: the one list of item fields and how typed lines are built."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from .editing import validate

M = TypeVar("M", bound=models.Model)

# The free text a person types for an item (normalised alike on every kind of line).
ITEM_TEXT_FIELDS = ("description", "material", "condition", "colour", "size")
# Every field an order, check-in or catalog line takes from its services, in the order the catalog
# form shows them; the one list that copies, conversions and imports derive theirs from.
ITEM_FIELDS = (*ITEM_TEXT_FIELDS, "price", "quantity", "catalog_item")


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
    for name in ITEM_TEXT_FIELDS:
        if name in values:
            values[name] = " ".join((values[name] or "").split())
    if values.get("material", "").casefold() == "unknown":
        values["material"] = ""
    return values
