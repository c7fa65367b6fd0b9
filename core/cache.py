"""Cached reads that every process shares, invalidated only after the writing transaction commits.

Each cached value lives under a key that includes its name's current *generation*. Invalidating
sets a new generation after commit; the old entry is simply never read again. That closes the
race a plain delete leaves open: a reader that fetched old rows just before the commit and stores
them just after the delete would otherwise cache stale data until it expires. Here it stores them
under the old generation, which nobody reads any more. A rolled-back write never touches the
cache. Keys also carry SCHEMA, bumped when a cached value's shape changes.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .after_commit import after_commit

T = TypeVar("T")
SCHEMA = 1
# Moves whenever the counts of work orders by stage, priority, date or source (or of pending
# check-ins) may have changed: the dashboard and analytics caches hang off it. Here, not in
# workorders, because customers and sources change it too.
WORK_ORDER_STATE = "work-order-state"
DEFAULT_TIMEOUT = 10 * 60


def _generation_key(name: str) -> str:
    return f"v{SCHEMA}:gen:{name}"


def current_key(name: str) -> str:
    generation = cache.get(_generation_key(name))
    if generation is None:
        cache.add(_generation_key(name), time.time_ns(), None)
        generation = cache.get(_generation_key(name))
    return f"v{SCHEMA}:{name}:{generation}"


def cached(name: str, build: Callable[[], T], timeout: int = DEFAULT_TIMEOUT) -> T:
    return cache_aside(current_key(name), build, timeout)


def cache_aside(key: str, build: Callable[[], T], timeout: int = DEFAULT_TIMEOUT) -> T:
    """The value under ``key``, built and stored on a miss. The caller computes ``key`` from the
    current generation before calling: the generation is read before the rows (module docstring)."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def invalidate(*names: str) -> None:
    cache.set_many({_generation_key(name): time.time_ns() for name in names}, None)


def invalidate_on_commit(*names: str) -> None:
    """Call inside the writing transaction; the cache changes only if it commits, and a cache
    outage then is logged, not raised (core.after_commit)."""
    after_commit(invalidate, *names)
