"""Helpers the domain services share: optimistic versions, field updates (locks: core/locks.py)."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

# Locking for an edit is part of the one lock order (core/locks.py); kept importable from here.
from .locks import STALE_EDIT, lock_for_edit, stale_edit_message  # noqa: F401
from .models import VersionedModel

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


def apply_fields(obj: M, fields: Mapping[str, Any], allowed: Iterable[str]) -> M:
    """Copy the editable fields onto ``obj``; an unknown field is a programming error."""
    allowed = frozenset(allowed)
    if unknown := set(fields) - allowed:
        raise TypeError(f"{type(obj).__name__} cannot set {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj


def validate(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field validation without the uniqueness queries: the database constraints decide those."""
    obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def save_version(obj: V, *, actor) -> V:
    """Save an edited row under its lock with the version bumped and the editor recorded."""
    obj.version += 1
    obj.updated_by = actor
    obj.save()
    return obj


def validate_dates(*, date_in, date_required) -> None:
    if date_in and date_required and date_required < date_in:
        raise ValidationError({"date_required": DATE_REQUIRED_BEFORE_DATE_IN})


DATE_REQUIRED_BEFORE_DATE_IN = "The date required cannot be before the date in."
