"""JSON log lines carry the request id that the response hands back to the user."""

import io
import json
import logging

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from core.request_id import RequestIdFilter, request_id_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The production formatter and filter, on a handler this test can read."""
    spec = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**spec))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_log_line_written_during_a_request_names_its_request_id(client, json_lines):
    response = client.get("/no-such-page/")  # Django logs "Not Found" after the view returns

    request_id = response["X-Request-ID"]
    [line] = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING" and "Not Found" in line["message"] and "time" in line


def test_each_request_gets_its_own_id_and_lines_outside_requests_get_none(client, json_lines):
    first, second = client.get("/health/"), client.get("/accounts/login/")
    logging.getLogger("awning.test").warning("between requests")

    assert "X-Request-ID" not in first  # the health check answers before the id is made
    assert len(second["X-Request-ID"]) == 32
    [line] = [line for line in json_lines() if line["logger"] == "awning.test"]
    assert line["request_id"] == "-"


def test_the_load_balancer_id_is_kept_when_it_is_safe():
    trace = "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678"
    assert request_id_from({"HTTP_X_REQUEST_ID": "req-2026-11-28-abc123"}) == "req-2026-11-28-abc123"
    assert request_id_from({"HTTP_X_AMZN_TRACE_ID": trace}) == "1-67891233-abcdef012345678912345678"
    # Anything that could forge a log line or flood it is replaced by a fresh id.
    for hostile in ("abc\ndef-ghi-jkl", "x" * 500, "<script>alert(1)</script>"):
        made = request_id_from({"HTTP_X_REQUEST_ID": hostile})
        assert made != hostile and len(made) == 32
