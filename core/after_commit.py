"""The one way to do work after the writing transaction commits: cache invalidation, Celery
tasks, deleting stored objects, e-mail.

Once the transaction has committed the change is saved, whatever happens next. So a failing
hook (Redis or the broker away) is logged and swallowed: it never turns a saved form into an
error page and never stops the hooks scheduled after it. Work that must not be lost this way
has its own sweeper (``reconcile_storage`` re-sends stuck promotions; the nightly tasks
re-predict).
"""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def after_commit(hook: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``hook(*args, **kwargs)`` once the current transaction commits; never if it rolls back.

    Pass ids and names, never model instances. Outside a transaction it runs at once (Django's
    rule), with the same protection.
    """
    transaction.on_commit(partial(_run, hook, args, kwargs))


def send_task(task, *args: Any) -> None:
    """Send a Celery task after commit (``task.delay(*args)``)."""
    after_commit(task.delay, *args)


def _run(hook: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        hook(*args, **kwargs)
    except Exception:
        name = getattr(hook, "__qualname__", repr(hook))
        log.exception("After-commit %s failed; the transaction had committed", name)
