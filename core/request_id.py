"""A request id on every log line, and in the response so a user's report can be traced.

The id comes from the load balancer when it sent one we can use (``X-Request-ID``, else the
``Root`` of ALB's ``X-Amzn-Trace-Id``, which also appears in the ALB access logs); otherwise it
is made here. A context variable carries it, so it is right for each thread of a gthread worker.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

REQUEST_ID_HEADER = "X-Request-ID"
_request_id = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")
_AMZN_ROOT = re.compile(r"(?:^|;)Root=([A-Za-z0-9-]{8,100})")


def current_request_id() -> str:
    return _request_id.get()


def request_id_from(meta: dict) -> str:
    given = meta.get("HTTP_X_REQUEST_ID", "")
    if _SAFE_ID.match(given):
        return given
    trace = _AMZN_ROOT.search(meta.get("HTTP_X_AMZN_TRACE_ID", ""))
    if trace:
        return trace.group(1)
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_from(request.META)
        # Left set until the response is closed (request_finished), so Django's own "Not Found"
        # and error lines, written after the middleware returns, still carry it.
        _request_id.set(request.id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs) -> None:
    _request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request: commands, Celery)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True
