"""Cached reads that follow the work-order state.

core.cache gives one value per name. The dashboard and the analytics cache several values (per
day, per date range) that all go stale together whenever a work order changes, so their keys embed
the current generation of core.cache.WORK_ORDER_STATE: moving that generation after
commit retires every one of them at once, with the same race-freedom as core.cache.
"""

from collections.abc import Callable
from typing import TypeVar

from core.cache import DEFAULT_TIMEOUT, WORK_ORDER_STATE, cache_aside, current_key

T = TypeVar("T")


def cached_with_work_orders(variant: str, build: Callable[[], T], timeout: int = DEFAULT_TIMEOUT) -> T:
    return cache_aside(f"{current_key(WORK_ORDER_STATE)}:{variant}", build, timeout)
