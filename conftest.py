import pytest
from django.core.cache import cache

from accounts.roles import ADMIN, MANAGER, OFFICE, TECHNICIAN
from accounts.tests.factories import make_user
from awning.celery import app as celery_app

# Fixtures shared by several apps' tests (the browser, file tasks, the S3 server), registered once here.
pytest_plugins = ["testing.browser", "testing.files", "testing.s3"]


def pytest_configure(config):
    # Under pytest-xdist (bin/test --fast) each worker process gets its own file cache: every test
    # clears the cache, and one worker must not clear the other's in the middle of a test.
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker:
        from django.conf import settings

        for cache_settings in settings.CACHES.values():
            if cache_settings["BACKEND"].endswith("FileBasedCache"):
                cache_settings["LOCATION"] = f"{cache_settings['LOCATION']}-{worker}"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Test-only speed-ups live here so there is still one settings module.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # The cache outlives each test's rolled-back database; start every test from an empty one.
    cache.clear()
    # Tasks run in the test's own process unless a test starts a real worker (test_s3_integration).
    celery_app.conf.task_always_eager = True


@pytest.fixture
def technician(db):
    return make_user(TECHNICIAN)


@pytest.fixture
def office_user(db):
    return make_user(OFFICE)


@pytest.fixture
def manager(db):
    return make_user(MANAGER)


@pytest.fixture
def admin_role_user(db):
    return make_user(ADMIN)


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client
