import io
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from accounts.roles import OFFICE
from accounts.tests.factories import make_user
from core.errors import DomainError
from mlmodels import services, serving
from mlmodels.models import ModelVersion
from mlmodels.selectors import predict_work_order
from mlmodels.tests.factories import completed_history
from testing.ml_models import small_model
from workorders.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(db, settings):
    """Version a (active) and version b (stored, not active), trained on the same history."""
    settings.ML_MIN_TRAINING_SAMPLES = 10
    completed_history(20)
    a = services.train_completion_model(trained_via="test", make_estimator=small_model).version
    b = services.train_completion_model(trained_via="test", make_estimator=small_model).version
    services.activate_model_version(version=a, activated_by=None)
    return a, b


def flip_one_byte(name: str) -> None:
    with default_storage.open(name, "rb") as stored:
        data = bytearray(stored.read())
    data[len(data) // 2] ^= 0x01
    default_storage.delete(name)
    assert default_storage.save(name, io.BytesIO(bytes(data))) == name


def test_each_prediction_reports_the_active_version_and_follows_activation(
    two_versions, manager, django_capture_on_commit_callbacks
):
    a, b = two_versions
    order = WorkOrderFactory()
    assert predict_work_order(order).version_id == a.pk

    with django_capture_on_commit_callbacks(execute=True):
        services.activate_model_version(version=b, activated_by=manager)
        # Not committed yet: workers keep serving a.
        assert predict_work_order(order).version_id == a.pk
    assert predict_work_order(order).version_id == b.pk


def test_a_tampered_artifact_is_refused_and_the_previous_version_keeps_serving(
    two_versions, caplog, django_capture_on_commit_callbacks
):
    a, b = two_versions
    order = WorkOrderFactory()
    assert predict_work_order(order).version_id == a.pk  # a is loaded in this process
    flip_one_byte(b.artifact)

    with django_capture_on_commit_callbacks(execute=True):
        services.activate_model_version(version=b, activated_by=None)
    with caplog.at_level(logging.ERROR, logger="mlmodels.serving"):
        served = predict_work_order(order)

    assert served.version_id == a.pk and serving.active_version_id() == b.pk
    assert f"Model version {b.pk} refused; still serving version {a.pk}: checksum mismatch" in caplog.text


def test_a_version_trained_on_other_features_is_refused_and_the_previous_keeps_serving(
    two_versions, caplog, django_capture_on_commit_callbacks
):
    a, b = two_versions
    order = WorkOrderFactory()
    assert predict_work_order(order).version_id == a.pk
    ModelVersion.objects.filter(pk=b.pk).update(feature_names=["rush", "a feature this code no longer has"])
    with django_capture_on_commit_callbacks(execute=True):
        services.activate_model_version(version=b, activated_by=None)
    with caplog.at_level(logging.ERROR, logger="mlmodels.serving"):
        assert predict_work_order(order).version_id == a.pk
    assert "trained on other features" in caplog.text


def test_storage_failing_while_switching_keeps_the_previous_model(
    two_versions, monkeypatch, django_capture_on_commit_callbacks
):
    from botocore.exceptions import EndpointConnectionError

    a, b = two_versions
    order = WorkOrderFactory()
    assert predict_work_order(order).version_id == a.pk

    def unreachable(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url="https://s3.example")

    monkeypatch.setattr(serving.artifacts, "load", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        services.activate_model_version(version=b, activated_by=None)
    assert predict_work_order(order).version_id == a.pk


def test_a_tampered_artifact_with_nothing_loaded_refuses_to_predict(two_versions):
    a, _ = two_versions
    flip_one_byte(a.artifact)

    with pytest.raises(serving.ModelUnavailable, match=f"active model version {a.pk} could not be loaded"):
        predict_work_order(WorkOrderFactory())


def test_an_intact_artifact_loads_only_allow_listed_types(two_versions):
    a, _ = two_versions
    from mlmodels import artifacts

    model = artifacts.load(a.artifact, sha256=a.sha256)
    assert type(model).__name__ == "HistGradientBoostingRegressor"


def test_no_active_version_means_no_prediction(db):
    with pytest.raises(serving.ModelUnavailable, match="No completion-time model is active yet"):
        predict_work_order(WorkOrderFactory())


def test_the_database_allows_one_active_version(two_versions):
    a, b = two_versions
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=b.pk).update(is_active=True)
    assert list(ModelVersion.objects.filter(is_active=True)) == [a]


def test_roll_back_reactivates_the_version_active_before(two_versions, manager):
    a, b = two_versions
    services.activate_model_version(version=b, activated_by=manager)

    assert services.roll_back_model_version(rolled_back_by=manager) == a
    assert ModelVersion.objects.get(is_active=True) == a
    assert services.roll_back_model_version(rolled_back_by=manager) == b


def test_roll_back_with_no_earlier_version_is_refused(two_versions, manager):
    ModelVersion.objects.update(last_activated_at=None)
    with pytest.raises(DomainError, match="nothing to roll back to"):
        services.roll_back_model_version(rolled_back_by=manager)


def test_only_managers_and_admins_activate(two_versions):
    _, b = two_versions
    with pytest.raises(PermissionDenied):
        services.activate_model_version(version=b, activated_by=make_user(OFFICE))
    assert not ModelVersion.objects.get(pk=b.pk).is_active
