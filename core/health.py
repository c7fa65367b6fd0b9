"""``/health/`` for the load balancer: is every dependency of a request answering?

Each check runs in its own thread with one shared deadline (``AWNING_HEALTH_TIMEOUT``), so a
dependency that hangs instead of refusing makes the answer a quick 503, not a load-balancer
timeout. The body names each dependency with its state and, when down, only the class of the
error: messages can hold host names, users or bucket names.

The middleware answers before ``SecurityMiddleware`` and host validation on purpose: Elastic
Beanstalk's health checks come over plain HTTP with the instance's private IP as the Host, and a
redirect to HTTPS or a 400 for an unknown host would mark a healthy instance as failing.
"""

import contextlib
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import kombu
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connections
from django.http import JsonResponse

HEALTH_PATH = "/health/"


def _database() -> str:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's own connection; never reused
    return "ok"


def _cache() -> str:
    cache = caches["default"]
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("read back a different value")
    cache.delete(key)
    return "ok"


def _broker_unused() -> bool:
    return settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory://")


def _broker() -> str:
    if _broker_unused():
        return "not used: tasks run in the web process"
    timeout = settings.AWNING_HEALTH_TIMEOUT
    with kombu.Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return "ok"


def _storage() -> str:
    # A HEAD on S3 (credentials, bucket, network); a stat on the local file system.
    storages["default"].exists("health-check-probe")
    return "ok"


def _timed(check) -> tuple[str, int]:
    started = time.monotonic()
    detail = check()
    return detail, round((time.monotonic() - started) * 1000)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "storage": _storage}


def _import_in_this_thread() -> None:
    """Load the client libraries before the check threads start.

    Imported for the first time from two threads at once, redis-py's circular imports fail
    (ImportError, importlib's _DeadlockError): a freshly started worker would report a healthy
    Redis as down. Building the backends here imports everything they need, in one thread.
    """
    caches["default"]
    storages["default"]
    if not _broker_unused():
        kombu.Connection(settings.CELERY_BROKER_URL).release()  # resolves the transport, no I/O


def run_checks(timeout: float | None = None) -> dict[str, dict]:
    """Run every check at once; each answer is ``{"ok", "detail", "ms"}`` or ``{"ok", "error"}``."""
    timeout = settings.AWNING_HEALTH_TIMEOUT if timeout is None else timeout
    with contextlib.suppress(Exception):  # a broken backend is reported by its own check below
        _import_in_this_thread()
    started = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="health")
    futures = {name: pool.submit(_timed, check) for name, check in CHECKS.items()}
    results = {}
    for name, future in futures.items():
        remaining = max(0.0, timeout - (time.monotonic() - started))
        try:
            detail, ms = future.result(timeout=remaining)
            results[name] = {"ok": True, "detail": detail, "ms": ms}
        except FutureTimeout:
            results[name] = {"ok": False, "error": f"no answer within {timeout:g} s"}
        except Exception as error:  # any failure means down; the class name is safe to show
            results[name] = {"ok": False, "error": type(error).__name__}
    # A hung check keeps its thread until its own socket timeout; do not wait for it here.
    pool.shutdown(wait=False, cancel_futures=True)
    return results


def health_response() -> JsonResponse:
    results = run_checks()
    down = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "down" if down else "ok", "down": down, "checks": results}
    response = JsonResponse(body, status=503 if down else 200)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
