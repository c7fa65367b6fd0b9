"""/health/: 200 with each dependency's state, 503 naming whatever is down, never a secret."""

import socket

import pytest
from django.db import ConnectionHandler, connection

from bench.server import free_port
from core import health

pytestmark = pytest.mark.django_db

CHECKED = {"database", "cache", "broker", "storage"}


def _unreachable_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # a port nobody listens on: refused at once


def test_healthy_answers_200_with_every_dependency(client):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["down"] == []
    assert set(body["checks"]) == CHECKED
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"] == "no-store"


def test_the_load_balancer_check_passes_without_our_host_name_or_https(client, settings):
    # ALB health checks use the instance's private IP as Host, over plain HTTP.
    settings.ALLOWED_HOSTS = ["backoffice.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/", HTTP_HOST="10.0.3.17").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.3.17").status_code == 400  # everything else is guarded


def test_database_down_answers_503_naming_it_without_its_settings(client, monkeypatch):
    real = connection.settings_dict
    missing = "/nonexistent-dir/awning.sqlite3" if connection.vendor == "sqlite" else f"{real['NAME']}_missing"
    monkeypatch.setattr(health, "connections", ConnectionHandler({"default": {**real, "NAME": missing}}))

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["down"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "missing" not in response.content.decode() and str(real["NAME"]) not in response.content.decode()


def test_redis_down_answers_503_naming_the_cache_and_the_broker(client, settings):
    url = _unreachable_redis()
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = url, False

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["cache", "broker"]
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    assert url.rsplit(":", 1)[1] not in response.content.decode()  # no host or port in the answer


def test_broker_alone_down_is_named_alone(client, settings):
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = _unreachable_redis(), False

    body = client.get("/health/").json()

    assert body["down"] == ["broker"]


def test_a_dependency_that_hangs_is_down_after_the_timeout(client, settings):
    # Accepts connections (the kernel's backlog) and never answers: the worst kind of outage.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        port = silent.getsockname()[1]
        settings.CACHES = {
            "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"},
        }
        settings.AWNING_HEALTH_TIMEOUT = 0.5

        response = client.get("/health/")

        assert response.status_code == 503
        assert response.json()["checks"]["cache"] == {"ok": False, "error": "no answer within 0.5 s"}
    finally:
        silent.close()  # the hung check's socket is reset and its thread ends


def test_storage_down_answers_503_naming_it(client, settings):
    pytest.importorskip("storages")
    settings.STORAGES = settings.STORAGES | {"default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "awning-health", "endpoint_url": f"http://127.0.0.1:{free_port()}",
                    "access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"},
    }}

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["down"] == ["storage"]
    assert "testing" not in response.content.decode()
