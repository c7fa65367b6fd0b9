"""Every gunicorn worker switches to a newly activated version, and none serves one never active.

gunicorn with 3 worker processes (2 threads each) answers /ml/predict/<number>/. Versions a
(active), b and c are trained; once every worker has served a, b is activated; then 300
predictions are requested from 6 client threads. Each answer names the version that made it
and the process that answered.
"""

import json
import secrets
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from sklearn.dummy import DummyRegressor

from bench.server import gunicorn
from mlmodels import services
from mlmodels.tests.factories import completed_history
from testing.ml_models import small_model
from workorders.tests.factories import WorkOrderFactory

pytestmark = [pytest.mark.http, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKERS, PREDICTIONS, DEADLINE = 3, 300, 5.0


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _constant(days: float):
    return lambda: DummyRegressor(strategy="constant", constant=days)


def test_all_workers_serve_the_new_version_within_seconds_and_never_an_inactive_one(settings, technician):
    settings.ML_MIN_TRAINING_SAMPLES = 10
    completed_history(20)
    order = WorkOrderFactory()
    a = services.train_completion_model(trained_via="test", make_estimator=small_model).version
    services.activate_model_version(version=a, activated_by=None)
    # Far worse than the baseline, so training stores them without activating them.
    b = services.train_completion_model(trained_via="test", make_estimator=_constant(300)).version
    never = services.train_completion_model(trained_via="test", make_estimator=_constant(400)).version
    assert not b.is_active and not never.is_active
    # Production refuses the development key; the server gets this one, so our session is valid there.
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    client = Client()
    client.force_login(technician)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    # The artifacts were saved in the test's media folder.
    same = {"DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_MEDIA_ROOT": settings.MEDIA_ROOT}
    with gunicorn(database_url=_database_url(), workers=WORKERS, extra_env=same) as base:
        def predict(_=None) -> tuple[int, int, float]:
            started = time.monotonic()
            request = urllib.request.Request(f"{base}/ml/predict/{order.number}/", headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read()
                try:
                    body = json.loads(text)
                except ValueError:
                    raise AssertionError(f"{response.status} {response.url} {text[:300]!r}") from None
            return body["model_version"], body["worker"], started

        with ThreadPoolExecutor(6) as pool:
            warm = []
            while len({worker for _, worker, _ in warm}) < WORKERS and len(warm) < 600:
                warm += pool.map(predict, range(30))  # until every worker has answered (loaded a)
            assert {version for version, _, _ in warm} == {a.pk}
            assert len({worker for _, worker, _ in warm}) == WORKERS

            services.activate_model_version(version=b, activated_by=None)
            activated = time.monotonic()
            answers = list(pool.map(predict, range(PREDICTIONS)))

    versions = [version for version, _, _ in answers]
    assert never.pk not in versions
    late = [version for version, _, started in answers if started - activated >= DEADLINE]
    assert set(late) <= {b.pk}
    # Activation reaches the workers through the shared cache on commit, not a timer: every one
    # of the 300 already reports b, from every worker process.
    assert versions == [b.pk] * PREDICTIONS
    assert len({worker for _, worker, _ in answers}) == WORKERS
