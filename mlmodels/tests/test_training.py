import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from sklearn.dummy import DummyRegressor

from mlmodels import services
from mlmodels.features import FEATURE_NAMES
from mlmodels.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db


def test_training_stores_an_active_version_with_metrics_that_beats_the_baseline(history):
    outcome = services.train_completion_model(trained_via="test")

    version = outcome.version
    assert outcome.activated and version.is_active and version.beats_baseline
    assert version.sample_count == 80 and version.feature_names == list(FEATURE_NAMES)
    metrics = version.metrics
    assert metrics["train_count"] + metrics["holdout_count"] == 80
    # Time-ordered holdout: every holdout order came in after every training order.
    assert metrics["holdout_from"] > history[metrics["train_count"] - 1].date_in.isoformat()
    assert metrics["mae"] < metrics["baseline_mae"]
    assert 0 <= metrics["median_absolute_error"] <= metrics["mae"] * 3
    assert len(version.holdout_points) == metrics["holdout_count"]
    with default_storage.open(version.artifact, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == version.sha256
    assert version.artifact.endswith(".skops") and "features-" in version.code_version
    run = TrainingRun.objects.get()
    assert (run.status, run.model_version) == (TrainingRun.Status.SUCCEEDED, version)


def test_a_useless_model_is_stored_but_not_activated(history):
    good = services.train_completion_model(trained_via="test").version

    # Always predicts the longest turnaround it saw: far worse than a median per tier.
    useless = services.train_completion_model(
        trained_via="test", make_estimator=lambda: DummyRegressor(strategy="quantile", quantile=1.0)
    )

    assert useless.version is not None and not useless.activated
    assert not useless.version.beats_baseline
    assert useless.result.metrics["mae"] > useless.result.metrics["baseline_mae"]
    assert ModelVersion.objects.get(is_active=True) == good


def test_dry_run_trains_and_reports_but_stores_nothing(history):
    outcome = services.train_completion_model(trained_via="test", dry_run=True)

    assert outcome.version is None and outcome.result.metrics["mae"] > 0
    assert not ModelVersion.objects.exists() and not TrainingRun.objects.exists()


def test_training_refuses_too_little_history_and_releases_the_lease(db):
    with pytest.raises(services.NotEnoughData, match="Only 0 completed orders"):
        services.train_completion_model(trained_via="test")
    assert TrainingRun.objects.get().status == TrainingRun.Status.FAILED
    assert not ModelVersion.objects.exists()


def test_command_reports_metrics_and_refuses_while_another_run_holds_the_lease(history, capsys):
    call_command("train_completion_model", "--dry-run")
    out = capsys.readouterr().out
    assert "MAE" in out and "baseline MAE" in out and "dry run: nothing stored" in out
    assert not ModelVersion.objects.exists()

    call_command("train_completion_model", "--unless-active")  # bin/run's first model
    assert "stored and activated" in capsys.readouterr().out
    call_command("train_completion_model", "--unless-active")
    assert "active already; not training" in capsys.readouterr().out

    services._take_lease(trained_via="celery beat", trained_by=None)
    with pytest.raises(CommandError, match="Another training run has been going since .* \\(celery beat\\); not training"):
        call_command("train_completion_model")
    assert ModelVersion.objects.count() == 1


def test_a_lease_left_by_a_dead_process_is_taken_over(history):
    stale = services._take_lease(trained_via="command", trained_by=None)
    TrainingRun.objects.filter(pk=stale.pk).update(started_at=stale.started_at - services.STALE_LEASE * 2)

    services.train_completion_model(trained_via="test")

    stale.refresh_from_db()
    assert stale.status == TrainingRun.Status.ABANDONED
