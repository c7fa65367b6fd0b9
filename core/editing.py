"""Helpers the domain services share: optimistic versions, field updates (locks: core/locks.py)."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .errors import DeletedMeanwhile
from .models import VersionedModel

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)

# The one wording of a refused stale write: who changed what and when, and that nothing happened.
STALE_WRITE = "{subject} was changed by {who} at {when} since you {seen} it. Nothing was {undone}: {remedy}."
STALE_EDIT = STALE_WRITE.format(
    subject="This {thing}", who="{who}", when="{when}", seen="opened", undone="saved",
    remedy="reload the page to see their changes",
)
DELETED_MEANWHILE = "This {thing} was deleted by someone else meanwhile; nothing was saved."




def deleted_meanwhile(model: type[models.Model], pk) -> DeletedMeanwhile:
    return DeletedMeanwhile(DELETED_MEANWHILE.format(thing=model._meta.verbose_name), model=model, pk=pk)


def stale_edit_message(obj: VersionedModel) -> str:
    return STALE_EDIT.format(thing=obj._meta.verbose_name, **last_change(obj))


def last_change(obj: models.Model) -> dict[str, str]:
    """``who`` and ``when`` of a row's last change (its updated_by and updated_at), worded for
    STALE_WRITE: the time alone when it was today."""
    who = obj.updated_by.display_name if obj.updated_by_id else "someone else"
    local = timezone.localtime(obj.updated_at)
    when = local.strftime("%H:%M") if local.date() == timezone.localdate() else local.strftime("%Y-%m-%d %H:%M")
    return {"who": who, "when": when}


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
