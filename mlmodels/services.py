"""Every write of the completion-time model: training runs, versions, activation, predictions."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from core.after_commit import after_commit
from core.cache import invalidate_on_commit
from core.errors import DomainError
from core.locks import lock_rows
from workorders.models import WorkOrder

from . import artifacts
from .features import FEATURE_NAMES, History, OrderHistory, feature_matrix, load_order_facts
from .models import ModelVersion, Prediction, TrainingRun
from .serving import ACTIVE_CACHE, current_model
from .training import (
    TrainingResult,
    code_version,
    default_estimator,
    fit_and_evaluate,
    predicted_completion,
    training_rows,
)

log = logging.getLogger(__name__)

TRAINING_IN_PROGRESS = "Another training run has been going since {started} ({via}); not training."
NOT_ENOUGH_DATA = "Only {count} completed orders to learn from; at least {minimum} are needed."
NOT_ALLOWED_TO_ACTIVATE = "You are not allowed to activate model versions."
NOTHING_TO_ROLL_BACK_TO = "No earlier version was ever active; there is nothing to roll back to."
# A lease older than this belongs to a process that died (training takes minutes at most).
STALE_LEASE = datetime.timedelta(hours=2)


class TrainingInProgress(DomainError):
    """Another training run holds the lease."""


class NotEnoughData(DomainError):
    """Too few completed orders to train and evaluate on."""


@dataclass
class TrainingOutcome:
    result: TrainingResult
    version: ModelVersion | None  # None on a dry run
    activated: bool


def train_completion_model(
    *, trained_via: str, dry_run: bool = False, make_estimator=default_estimator, trained_by: User | None = None
) -> TrainingOutcome:
    """Train on every completed order; store the version; activate it if it beats the baseline.

    Deliberately not one transaction: the lease (a RUNNING TrainingRun row, at most one by a
    constraint) commits before training starts so that every other process sees it, and a
    second run at the same time is refused with TrainingInProgress. The artifact is saved to
    storage before its ModelVersion row commits; activation is its own transaction. A dry run
    trains and returns the metrics, stores nothing and leaves no run behind.

    Locks no row while training (the lease is a unique constraint, not a lock); activation takes
    activate_model_version's locks and schedules what it schedules after its commit.
    """
    run = _take_lease(trained_via=trained_via, trained_by=trained_by)
    try:
        outcome = _train(trained_via=trained_via, dry_run=dry_run, make_estimator=make_estimator, trained_by=trained_by)
    except BaseException as error:
        _release_lease(run, status=TrainingRun.Status.FAILED, message=str(error) or type(error).__name__)
        raise
    if dry_run:
        TrainingRun.objects.filter(pk=run.pk).delete()
    else:
        verdict = "activated" if outcome.activated else "stored, not activated (does not beat the baseline)"
        _release_lease(run, status=TrainingRun.Status.SUCCEEDED, version=outcome.version, message=verdict)
    return outcome


def _take_lease(*, trained_via: str, trained_by: User | None) -> TrainingRun:
    now = timezone.now()
    TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING, started_at__lt=now - STALE_LEASE).update(
        status=TrainingRun.Status.ABANDONED, finished_at=now
    )
    try:
        with transaction.atomic():
            return TrainingRun.objects.create(started_at=now, trained_via=trained_via, trained_by=trained_by)
    except IntegrityError:
        holder = TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING).first()
        started = timezone.localtime(holder.started_at).strftime("%Y-%m-%d %H:%M:%S") if holder else "a moment ago"
        raise TrainingInProgress(TRAINING_IN_PROGRESS.format(started=started, via=holder.trained_via if holder else "?")) from None


def _release_lease(run: TrainingRun, *, status: str, version: ModelVersion | None = None, message: str = "") -> None:
    TrainingRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=timezone.now(), model_version=version, message=message[:2000]
    )


def _train(*, trained_via: str, dry_run: bool, make_estimator, trained_by: User | None) -> TrainingOutcome:
    """Training itself, without the lease (the concurrency test's negative control calls it bare)."""
    facts = load_order_facts(WorkOrder.objects.filter(completed_on__isnull=False))
    minimum = settings.ML_MIN_TRAINING_SAMPLES
    if (count := len(training_rows(facts))) < minimum:
        raise NotEnoughData(NOT_ENOUGH_DATA.format(count=count, minimum=minimum))
    result = fit_and_evaluate(facts, History.of_all_orders(), make_estimator=make_estimator)
    if dry_run:
        return TrainingOutcome(result, None, False)
    version = _store_version(result, trained_via=trained_via, trained_by=trained_by)
    if result.beats_baseline:
        version = activate_model_version(version=version, activated_by=None)
    return TrainingOutcome(result, version, result.beats_baseline)


def _store_version(result: TrainingResult, *, trained_via: str, trained_by: User | None) -> ModelVersion:
    data, sha256 = artifacts.dump(result.estimator)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    name = artifacts.save(data, name=f"completion-{stamp}.skops")
    try:
        with transaction.atomic():
            return ModelVersion.objects.create(
                artifact=name, sha256=sha256, estimator=type(result.estimator).__name__, code_version=code_version(),
                feature_names=list(FEATURE_NAMES), sample_count=result.sample_count, metrics=result.metrics,
                holdout_points=result.holdout_points, beats_baseline=result.beats_baseline,
                trained_by=trained_by, trained_via=trained_via,
            )
    except BaseException:
        default_storage.delete(name)  # no row points at it
        raise


@transaction.atomic
def activate_model_version(*, version: ModelVersion, activated_by: User | None) -> ModelVersion:
    """Make ``version`` the one active version; ``activated_by=None`` is the training job itself.

    Checks the permission before any lock. Locks every version row (there are a few dozen, and
    they are locked alone, outside the order of core/locks.py) in pk order, so two activations at once
    queue up and the second sees the first's result: the one-active constraint never trips.
    After commit the shared cache moves on and every worker loads the new version on its next
    prediction.
    """
    if activated_by is not None and not activated_by.has_perm("mlmodels.activate_modelversion"):
        raise PermissionDenied(NOT_ALLOWED_TO_ACTIVATE)
    lock_rows(ModelVersion.objects.all())
    ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True, last_activated_at=timezone.now())
    invalidate_on_commit(ACTIVE_CACHE)
    # The dates on the pages should come from the version just chosen, not wait for the night.
    after_commit(_refresh_open_predictions_later)
    log.info("Model version %s activated by %s", version.pk, activated_by or "training")
    return ModelVersion.objects.get(pk=version.pk)


def _refresh_open_predictions_later() -> None:
    from .tasks import refresh_open_predictions  # the task module imports this one

    refresh_open_predictions.delay()


@transaction.atomic
def roll_back_model_version(*, rolled_back_by: User) -> ModelVersion:
    """Re-activate the version that was active before the current one.

    Managers only (checked before any lock). Locks every version row in pk order, as activation
    does (these rows are locked alone, outside the order of core/locks.py); after commit the same
    as activate_model_version.
    """
    if not rolled_back_by.has_perm("mlmodels.activate_modelversion"):
        raise PermissionDenied(NOT_ALLOWED_TO_ACTIVATE)
    lock_rows(ModelVersion.objects.all())
    previous = (
        ModelVersion.objects.filter(is_active=False, last_activated_at__isnull=False).order_by("-last_activated_at").first()
    )
    if previous is None:
        raise DomainError(NOTHING_TO_ROLL_BACK_TO)
    return activate_model_version(version=previous, activated_by=rolled_back_by)


def open_work_orders() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(completed_on__isnull=True)


@transaction.atomic
def refresh_predictions(*, orders: QuerySet[WorkOrder] | None = None) -> int:
    """Predict every open order (or the given ones) with the active version; returns how many.

    Inserts one Prediction row per order (the newest is the current one), in one transaction.
    Locks nothing: the inserts only keep their work orders from being deleted meanwhile (a
    foreign-key KEY SHARE lock, which no update waits for). Schedules nothing after commit.
    Raises serving.ModelUnavailable when no version is active.
    """
    model = current_model()
    # Stamped when the facts are read: an edit's own prediction made meanwhile stays the newest.
    now = timezone.now()
    facts = load_order_facts((orders if orders is not None else open_work_orders()).filter(completed_on__isnull=True))
    if not facts:
        return 0
    history = OrderHistory(facts[0]) if len(facts) == 1 else History.of_all_orders()
    days = model.estimator.predict(feature_matrix(facts, history))
    today = timezone.localdate()
    Prediction.objects.bulk_create(
        [
            Prediction(
                work_order_id=order.pk, model_version_id=model.version_id, predicted_days=round(float(value), 2),
                predicted_completion=predicted_completion(order.date_in, float(value), today=today), made_at=now,
            )
            for order, value in zip(facts, days, strict=True)
        ],
        batch_size=1000,
    )
    return len(facts)


# Superseded predictions are kept this long for measuring accuracy; an order's newest one always.
KEEP_SUPERSEDED = datetime.timedelta(days=90)


@transaction.atomic
def prune_predictions(*, now: datetime.datetime | None = None) -> int:
    """Delete predictions older than KEEP_SUPERSEDED that a newer one of their order replaced:
    the daily refresh adds a row per open order, which would otherwise grow without end.
    Locks only the rows it deletes; schedules nothing after commit."""
    cutoff = (now or timezone.now()) - KEEP_SUPERSEDED
    newer = Prediction.objects.filter(work_order_id=OuterRef("work_order_id"), made_at__gt=OuterRef("made_at"))
    deleted, _ = Prediction.objects.filter(made_at__lt=cutoff).filter(Exists(newer)).delete()
    return deleted


def refresh_work_order_prediction(*, work_order_id: int) -> int:
    """One order, after it was created or edited (0 if it is completed or gone). Locks nothing
    (see refresh_predictions)."""
    return refresh_predictions(orders=WorkOrder.objects.filter(pk=work_order_id))
