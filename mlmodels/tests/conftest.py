import pytest

from mlmodels import serving
from mlmodels.tests.factories import completed_history
from testing.ml_models import small_model


@pytest.fixture(autouse=True)
def _fresh_worker_model():
    # The served model is per process and keyed by version id; ids repeat across test databases.
    serving.forget_loaded_model()
    yield
    serving.forget_loaded_model()


@pytest.fixture
def history(db):
    """80 completed orders: enough to train (the minimum is 50) and evaluate on 16."""
    return completed_history(80)


@pytest.fixture
def celery_eager():
    from awning.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def active_version(db, settings):
    """An active version trained on 20 completed orders."""
    from mlmodels import services

    settings.ML_MIN_TRAINING_SAMPLES = 10
    completed_history(20)
    version = services.train_completion_model(trained_via="test", make_estimator=small_model).version
    return services.activate_model_version(version=version, activated_by=None)
