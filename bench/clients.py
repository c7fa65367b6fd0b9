"""A logged-in browser-like client on plain urllib: session cookie, CSRF token, form posts."""

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after a successful admin save is the answer we measure


@dataclass
class Result:
    status: int
    seconds: float


@dataclass
class AdminClient:
    base: str
    session_id: str
    csrf_cookie: str = ""
    results: list[Result] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect)

    def _request(self, path: str, data: dict | None = None, *, json_body: dict | None = None) -> tuple[int, str]:
        cookies = f"sessionid={self.session_id}" + (f"; csrftoken={self.csrf_cookie}" if self.csrf_cookie else "")
        headers = {"Cookie": cookies, "Referer": self.base + path}
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers |= {"Content-Type": "application/json", "X-CSRFToken": self.csrf_cookie}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self._opener.open(request, timeout=60) as response:
                status, headers, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            status, headers, text = error.code, error.headers, error.read().decode(errors="replace")
        for header in headers.get_all("Set-Cookie") or []:
            if header.startswith("csrftoken="):
                self.csrf_cookie = header.split(";", 1)[0].split("=", 1)[1]
        return status, text

    def form_token(self, path: str) -> str:
        status, text = self._request(path)
        match = CSRF_INPUT.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} answered {status} without a form")
        return match.group(1)

    def post(self, path: str, data: dict) -> int:
        started = time.perf_counter()
        status, _ = self._request(path, data)
        self.results.append(Result(status, time.perf_counter() - started))
        return status

    def get(self, path: str) -> tuple[int, str]:
        started = time.perf_counter()
        status, text = self._request(path)
        self.results.append(Result(status, time.perf_counter() - started))
        return status, text

    def post_json(self, path: str, body: dict) -> tuple[int, dict]:
        started = time.perf_counter()
        status, text = self._request(path, json_body=body)
        self.results.append(Result(status, time.perf_counter() - started))
        return status, json.loads(text) if text.startswith("{") else {}


def work_order_form(*, customer_pk: int, token: str, label: str) -> dict:
    """The admin "add work order" form with two typed items, as a browser posts it."""
    data = {
        "csrfmiddlewaretoken": token, "customer": customer_pk, "name": label, "quote": "needed",
        "date_in": "2026-11-02", "date_required": "2026-11-20", "rack_number": "5 B",
        "storage_time": "", "return_to": "", "return_method": "", "special_instructions": "", "repair_note": "",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "files-TOTAL_FORMS": "0", "files-INITIAL_FORMS": "0", "files-MIN_NUM_FORMS": "0", "files-MAX_NUM_FORMS": "1000",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0", "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000",
    }
    for index, (description, size) in enumerate((("Awning", "8'9\"x10'2\""), ("Main sail", "95#"))):
        data |= {
            f"items-{index}-description": description, f"items-{index}-material": "Sunbrella",
            f"items-{index}-colour": "Navy", f"items-{index}-condition": "", f"items-{index}-size": size,
            f"items-{index}-quantity": "1", f"items-{index}-price": "95.00",
        }
    return data
