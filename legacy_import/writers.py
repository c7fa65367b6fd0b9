"""Bulk writes keyed on legacy numbers and keys, so that a second run changes nothing.

Both helpers compare what the legacy row maps to with what we hold and write only the difference:
``upsert`` for rows with a key (numbers, names, legacy keys), ``sync_children`` for child rows
without one (order lines, files), which are replaced per parent only when the parent's list of
children changed. Callers run them inside the table's transaction.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .report import TableStats

TIMESTAMP_FIELDS = ("created_at", "updated_at", "uploaded_at")


@contextmanager
def timestamps_as_given(*model_classes: type[models.Model]):
    """Let the import write the legacy created/updated/uploaded times instead of "now".

    auto_now fields overwrite any value in pre_save, bulk_create included; the import switches
    that off on the fields it fills itself and switches it back on afterwards.
    """
    switched = []
    for model in model_classes:
        for name in TIMESTAMP_FIELDS:
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - the model simply has no such field
                continue
            switched.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def char_limits(model: type[models.Model]) -> dict[str, int]:
    return {
        f.attname: f.max_length
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.FileField)) and f.max_length
    }


def fit(values: dict, limits: dict[str, int], note: Callable[[str, object], None]) -> dict:
    """Cut text longer than our column, noting it (legacy text columns had no limit)."""
    for name, limit in limits.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            note(f"{name}_truncated", value)
            values[name] = value[:limit]
    return values


@dataclass
class Upserted:
    pk_by_key: dict
    previous: dict  # key -> old compared values, for rows that changed


def upsert(
    model: type[models.Model],
    *,
    key: str,
    rows: dict,
    compare: tuple[str, ...],
    stats: TableStats,
    batch_size: int,
    versioned: bool = False,
) -> Upserted:
    """Insert new keys and update changed rows in one INSERT .. ON CONFLICT per batch.

    ``rows`` maps each key to the field values (attnames) it should have. Rows whose compared
    fields already hold those values are not written at all.
    """
    fetch = (key, "pk", *compare) + (("version",) if versioned else ())
    current_rows = model.objects.all()
    if versioned:
        # Locked until the table commits: an office save between this read and the write would
        # otherwise be overwritten and its version number reused, so a form opened on it would pass.
        current_rows = current_rows.select_for_update().order_by("pk")  # several rows: pk order
    existing = {row[0]: row[1:] for row in current_rows.values_list(*fetch).iterator(5000)}
    now = timezone.now()
    pending, previous = [], {}
    for row_key, values in rows.items():
        current = existing.get(row_key)
        if current is not None:
            old = current[1 : 1 + len(compare)]
            if tuple(values[name] for name in compare) == tuple(old):
                continue
            previous[row_key] = dict(zip(compare, old, strict=True))
            stats.updated += 1
            if versioned:
                values["version"] = current[-1] + 1
        else:
            stats.created += 1
            if versioned:
                values["version"] = 1
        values.setdefault("created_at", now)
        values.setdefault("updated_at", now)
        pending.append(model(**{**values, key: row_key}))
    if pending:
        update_fields = [name for name in (*compare, "updated_at", "version") if name in pending[0].__dict__]
        update_fields = [model._meta.get_field(name).name for name in update_fields]
        model.objects.bulk_create(
            pending, batch_size=batch_size, update_conflicts=True, unique_fields=[key], update_fields=update_fields
        )
    pk_by_key = {row_key: current[0] for row_key, current in existing.items()}
    if pending:
        pk_by_key.update(model.objects.values_list(key, "pk").iterator(5000))
    return Upserted(pk_by_key=pk_by_key, previous=previous)


def sync_children(
    model: type[models.Model],
    *,
    parent: str,
    groups: Iterable[tuple[int, list[dict]]],
    compare: tuple[str, ...],
    parents_in_scope: set[int],
    stats: TableStats,
    batch_size: int,
    owned: Q | None = None,
) -> None:
    """Make each parent's children equal the legacy list, replacing a parent's whole list only
    when it differs (the legacy app itself re-created repair lines on every edit).

    ``groups`` yields (parent pk, children values) in any order, each parent once. Parents in
    scope that no group names lose their children (removed in the legacy database). Only the
    children ``owned`` selects are compared and replaced: files uploaded here are never touched.
    """
    parent_attname = f"{parent}_id"
    existing: dict[int, tuple] = {}
    current_parent, current_rows = None, []
    owned_rows = model.objects.filter(owned or Q())
    for row in owned_rows.order_by(parent_attname, "pk").values_list(parent_attname, *compare).iterator(5000):
        if row[0] != current_parent:
            if current_parent is not None:
                existing[current_parent] = hash(tuple(current_rows))
            current_parent, current_rows = row[0], []
        current_rows.append(row[1:])
    if current_parent is not None:
        existing[current_parent] = hash(tuple(current_rows))

    replace, pending, seen = [], [], set()

    def flush():
        if replace:
            stats.deleted += owned_rows.filter(**{f"{parent_attname}__in": replace}).delete()[0]
            replace.clear()
        if pending:
            model.objects.bulk_create(pending, batch_size=batch_size)
            stats.created += len(pending)
            pending.clear()

    for parent_pk, children in groups:
        seen.add(parent_pk)
        wanted = hash(tuple(tuple(child[name] for name in compare) for child in children))
        if existing.get(parent_pk) == wanted:
            continue
        if parent_pk in existing:
            replace.append(parent_pk)
        pending.extend(model(**{parent_attname: parent_pk}, **child) for child in children)
        if len(pending) >= batch_size * 4:
            flush()
    replace.extend(pk for pk in existing if pk in parents_in_scope and pk not in seen)
    flush()


def grouped(rows: Iterator[dict], column: str) -> Iterator[tuple[str, list[dict]]]:
    """Rows ordered by ``column`` → (value, rows) runs."""
    current, bucket = object(), []
    for row in rows:
        if row[column] != current:
            if bucket:
                yield current, bucket
            current, bucket = row[column], []
        bucket.append(row)
    if bucket:
        yield current, bucket
