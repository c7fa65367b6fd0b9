"""Five retrains at once: exactly one trains, the other four are refused by the lease.

Real threads, each with its own database connection, released together by a barrier. Whoever
reaches the fitting step waits there until all five have either been refused or reached it, so
the runs truly overlap whatever the scheduling. The negative control runs the same five without
the lease (the legacy endpoint had none): then all five train.
"""

import threading

import pytest

from mlmodels import services
from mlmodels.models import ModelVersion, TrainingRun
from mlmodels.tests.factories import completed_history
from testing.concurrency import concurrency_marks, errors_in, run_concurrently
from testing.ml_models import small_model

pytestmark = concurrency_marks()

RUNS = 5


class Arrivals:
    """Counts runs that were refused or reached the fit; a fit waits until all RUNS have."""

    def __init__(self):
        self.count, self.changed = 0, threading.Condition()

    def report(self):
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def wait_for_all(self):
        with self.changed:
            assert self.changed.wait_for(lambda: self.count >= RUNS, timeout=60), "not every run arrived"


@pytest.fixture
def overlapping_fits(monkeypatch, settings):
    settings.ML_MIN_TRAINING_SAMPLES = 10
    completed_history(20)
    arrivals = Arrivals()
    real_fit = services.fit_and_evaluate

    def fit_when_all_arrived(*args, **kwargs):
        arrivals.report()
        arrivals.wait_for_all()
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(services, "fit_and_evaluate", fit_when_all_arrived)
    return arrivals


def attempt(train, arrivals):
    try:
        train()
    except services.TrainingInProgress:
        arrivals.report()
        return "refused"
    return "trained"


def test_five_concurrent_retrains_train_exactly_once(overlapping_fits):
    results = run_concurrently(RUNS, lambda _: attempt(
        lambda: services.train_completion_model(trained_via="test", make_estimator=small_model), overlapping_fits
    ))

    assert errors_in(results) == []
    assert sorted(results) == ["refused"] * 4 + ["trained"]
    assert ModelVersion.objects.count() == 1
    assert TrainingRun.objects.get().status == TrainingRun.Status.SUCCEEDED


def test_negative_control_without_the_lease_all_five_train(overlapping_fits):
    results = run_concurrently(RUNS, lambda _: attempt(
        lambda: services._train(trained_via="test", dry_run=False, make_estimator=small_model, trained_by=None),
        overlapping_fits,
    ))

    assert errors_in(results) == []
    assert results == ["trained"] * RUNS
    assert ModelVersion.objects.count() == RUNS
    assert ModelVersion.objects.filter(is_active=True).count() <= 1  # activations still queue up
