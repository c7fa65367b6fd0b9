"""Reads of work orders that the admin and the floor share."""

from collections.abc import Callable

from django.db.models import QuerySet

# Columns apps above workorders add to the orders people see (the completion model's predicted
# date), registered from their AppConfig.ready(). Each is called as
# ``annotate(queryset, order_ref=...)``, ``order_ref`` naming the work-order id on the rows.
_DISPLAY_ANNOTATIONS: list[Callable[..., QuerySet]] = []


def register_display_annotation(annotate: Callable[..., QuerySet]) -> None:
    if annotate not in _DISPLAY_ANNOTATIONS:
        _DISPLAY_ANNOTATIONS.append(annotate)


def with_display_annotations(queryset: QuerySet, *, order_ref: str = "pk") -> QuerySet:
    for annotate in _DISPLAY_ANNOTATIONS:
        queryset = annotate(queryset, order_ref=order_ref)
    return queryset
