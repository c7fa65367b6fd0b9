"""Fit the regressor and judge it on a time-ordered holdout against a naive baseline.

Pure computation: no database writes, no storage. services.train_completion_model stores the
result.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sklearn
from django.conf import settings
from sklearn.base import RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from .features import CATEGORICAL_FEATURES, FEATURE_NAMES, FEATURES_VERSION, History, OrderFacts, feature_matrix

HOLDOUT_SHARE = 0.2
# Durations outside 0..MAX_DAYS are data errors (completion typed before the date in, or a job
# closed years later when someone tidied up), not turnaround.
MAX_DAYS = 365
PLOT_POINTS = 400

EstimatorFactory = Callable[[], RegressorMixin]

# Process-wide, once: OpenMP's spinning threads make histogram boosting ~10x slower on a small
# shared machine (measured: 50,000 orders 20.9 s with all threads, 2.0 s with one), and a web
# worker that predicts must not grab every core from its neighbours.
threadpool_limits(limits=settings.ML_THREADS)


def default_estimator() -> RegressorMixin:
    # Absolute error: the office reads "done in about N days", and MAE is what we report.
    return HistGradientBoostingRegressor(
        loss="absolute_error", max_iter=300, learning_rate=0.05, max_leaf_nodes=31, min_samples_leaf=10,
        categorical_features=[FEATURE_NAMES.index(name) for name in CATEGORICAL_FEATURES],
        early_stopping=False, random_state=0,
    )


def code_version() -> str:
    return f"features-{FEATURES_VERSION}/sklearn-{sklearn.__version__}/numpy-{np.__version__}"


@dataclass
class TrainingResult:
    estimator: RegressorMixin
    sample_count: int
    metrics: dict
    holdout_points: list = field(default_factory=list)

    @property
    def beats_baseline(self) -> bool:
        return self.metrics["mae"] < self.metrics["baseline_mae"]


def training_rows(facts: list[OrderFacts]) -> list[OrderFacts]:
    """Completed orders with a plausible duration, oldest date in first."""
    rows = [f for f in facts if f.completed_on and 0 <= (f.completed_on - f.date_in).days <= MAX_DAYS]
    return sorted(rows, key=lambda f: (f.date_in, f.pk))


def fit_and_evaluate(
    facts: list[OrderFacts], history: History, *, make_estimator: EstimatorFactory = default_estimator
) -> TrainingResult:
    """Train on the older 80 % (by date in), test on the most recent 20 %, then refit on all.

    The version stored is the refit (it has seen the latest months); its metrics are the
    holdout fit's, which is the honest estimate of how it does on orders it has not seen.
    """
    rows = training_rows(facts)
    X = feature_matrix(rows, history)
    y = np.array([(f.completed_on - f.date_in).days for f in rows], dtype=np.float64)
    split = len(rows) - max(1, int(len(rows) * HOLDOUT_SHARE))
    holdout_model = make_estimator().fit(X[:split], y[:split])
    predicted = holdout_model.predict(X[split:])
    baseline = _tier_medians(rows[:split], y[:split])
    baseline_predicted = np.array([baseline.get(f.tier, baseline[0]) for f in rows[split:]])
    actual = y[split:]
    errors = np.abs(predicted - actual)
    metrics = {
        "mae": round(float(errors.mean()), 3),
        "median_absolute_error": round(float(np.median(errors)), 3),
        "baseline_mae": round(float(np.abs(baseline_predicted - actual).mean()), 3),
        "baseline": "median days per priority tier",
        "train_count": split,
        "holdout_count": len(rows) - split,
        "holdout_from": rows[split].date_in.isoformat(),
        "holdout_to": rows[-1].date_in.isoformat(),
    }
    step = max(1, len(actual) // PLOT_POINTS)
    points = [[float(a), round(float(p), 2)] for a, p in zip(actual[::step], predicted[::step], strict=True)]
    return TrainingResult(make_estimator().fit(X, y), len(rows), metrics, points)


def _tier_medians(rows: list[OrderFacts], y: np.ndarray) -> dict[int, float]:
    by_tier: dict[int, list[float]] = {}
    for order, days in zip(rows, y, strict=True):
        by_tier.setdefault(order.tier, []).append(days)
    medians = {tier: float(np.median(values)) for tier, values in by_tier.items()}
    medians[0] = float(np.median(y))  # a tier the training part never saw
    return medians


def predicted_completion(date_in: datetime.date, days: float, *, today: datetime.date) -> datetime.date:
    """Date in plus the predicted days; an open order predicted to be done already is due today."""
    return max(date_in + datetime.timedelta(days=max(0, round(days))), today)
