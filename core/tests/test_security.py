"""Production hardening: check --deploy, headers, cookies, the secret key, the client's address."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from core.client_ip import client_ip
from core.secret_key import EMBEDDED_DEFAULT_KEY, secret_key_for

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)


def production_env(**extra: str) -> dict:
    """The variables .ebextensions and `eb setenv` give a real instance."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "AWNING_TRUSTED"))}
    return env | {
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "backoffice.example.com",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://backoffice.example.com", "AWNING_TRUSTED_PROXY_COUNT": "2",
    } | extra


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_passes_at_warning_level_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_off(settings):
    # The check above can fail: without the redirect and secure cookies it refuses.
    settings.SECURE_SSL_REDIRECT = settings.SESSION_COOKIE_SECURE = False
    with pytest.raises(SystemCheckError) as caught:
        call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "security.W008" in str(caught.value) and "security.W012" in str(caught.value)


# What a browser gets from a production process: run the real settings module with production
# variables and print the headers of the login page through Django's test client.
PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", "--noinput", verbosity=0)  # as the deploy does
client = Client(HTTP_HOST="backoffice.example.com")
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "status": page.status_code, "headers": dict(page.headers),
    "csrf_cookie": {k: page.cookies["csrftoken"][k] for k in ("secure", "httponly", "samesite")},
    "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
    "log_formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


@pytest.fixture(scope="module")
def production_page(tmp_path_factory):
    env = production_env(DJANGO_STATIC_ROOT=str(tmp_path_factory.mktemp("static")))
    result = manage("shell", "--no-imports", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_production_redirects_plain_http_to_https(production_page):
    assert production_page["plain_status"] == 301
    assert production_page["plain_location"] == "https://backoffice.example.com/accounts/login/"


@pytest.mark.slow
def test_production_pages_carry_the_security_headers(production_page):
    headers = production_page["headers"]
    assert production_page["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "X-Request-ID" in headers


@pytest.mark.slow
def test_production_cookies_are_secure_httponly_and_samesite(production_page):
    assert production_page["session"] == [True, True, "Lax"]
    # The CSRF cookie stays readable by script: the queue page sends it with its JSON posts.
    assert production_page["csrf_cookie"] == {"secure": True, "httponly": "", "samesite": "Lax"}


@pytest.mark.slow
def test_production_logs_json_and_serves_hashed_static_files(production_page):
    assert production_page["log_formatter"] == "json"
    assert production_page["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
def test_the_session_cookie_is_set_with_the_production_flags(client, settings, office_user):
    settings.SESSION_COOKIE_SECURE = True
    office_user.set_password("tarp-Harbor-41-mildew")
    office_user.save()

    client.post("/accounts/login/", {"username": office_user.username, "password": "tarp-Harbor-41-mildew"})

    cookie = client.cookies["sessionid"]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_pdf_and_json_answers_carry_no_page_policy_but_still_nosniff(office_client):
    # Chrome's PDF viewer stops under object-src 'none'; the policy is for HTML documents.
    response = office_client.get("/queue/api/")
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response and response["X-Content-Type-Options"] == "nosniff"


# --- the secret key ------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "problem"), [
    ("", "missing"),
    (EMBEDDED_DEFAULT_KEY, "insecure development default"),
    ("django-insecure-" + "x" * 60, "insecure development default"),
    ("short-but-random-Q7", "too weak"),
    ("a" * 64, "too weak"),
])
def test_production_refuses_a_missing_default_or_weak_secret_key(key, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        secret_key_for(key, debug=False)


def test_a_real_key_is_used_and_debugging_may_run_on_the_embedded_one():
    assert secret_key_for(STRONG_KEY, debug=False) == STRONG_KEY
    assert secret_key_for("", debug=True) == EMBEDDED_DEFAULT_KEY


@pytest.mark.slow
def test_the_app_refuses_to_start_in_production_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is missing while DJANGO_DEBUG is off" in result.stderr


# --- the client's address behind the load balancer ------------------------------------------


@pytest.mark.parametrize(("forwarded_for", "proxies", "expected"), [
    ("", 0, "10.0.0.5"),                                        # nothing in front: the peer
    ("6.6.6.6", 0, "10.0.0.5"),                                 # no proxy trusted: header ignored
    ("203.0.113.9, 10.0.1.20", 2, "203.0.113.9"),               # ALB then nginx on EB
    ("6.6.6.6, 203.0.113.9, 10.0.1.20", 2, "203.0.113.9"),      # a forged left part is skipped
    ("10.0.1.20", 2, "10.0.0.5"),                               # fewer hops than proxies: trust none
    ("203.0.113.9, not-an-ip", 1, "10.0.0.5"),
    ("2001:db8::7, 10.0.1.20", 2, "2001:db8::7"),
])
def test_client_ip_trusts_only_the_configured_proxies(forwarded_for, proxies, expected):
    meta = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": forwarded_for}
    assert client_ip(meta, trusted_proxies=proxies) == expected


@pytest.mark.django_db
def test_the_middleware_puts_the_client_address_where_everything_reads_it(settings):
    from core.client_ip import PEER_ADDR, ClientIpMiddleware

    settings.AWNING_TRUSTED_PROXY_COUNT = 2
    seen = {}
    middleware = ClientIpMiddleware(lambda request: seen.update(request.META) or None)
    forwarded = "6.6.6.6, 198.51.100.4, 10.0.1.20"
    middleware(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded))
    assert seen["REMOTE_ADDR"] == "198.51.100.4" and seen[PEER_ADDR] == "127.0.0.1"
