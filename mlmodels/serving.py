"""The model each worker process serves: one loaded version, swapped when another is activated.

Every call asks the shared cache which version is active (one cache read; the database at most
once per ACTIVE_TTL seconds for all processes together). When that differs from the loaded
version, one thread of the process reloads under a lock while the others wait; the artifact's
sha256 must match the one recorded at training, or it is refused, logged, and the previous
version goes on serving. So every worker converges on the active version as soon as the
activation commits (core.cache moves the key's generation on commit), and none ever serves a
version that was not active.
"""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from core.cache import cached
from core.errors import DomainError

from . import artifacts, training  # noqa: F401 — training caps the OpenMP threads
from .features import FEATURE_NAMES
from .models import ModelVersion

log = logging.getLogger(__name__)

ACTIVE_CACHE = "mlmodels:active-version"
# Bounds how long a cache that missed an invalidation (flushed, or edited by hand) can lag.
ACTIVE_TTL = 2
# A refused artifact is not re-read on every request; it is tried again after this long.
RETRY_REFUSED_AFTER = 60.0
NO_ACTIVE_MODEL = "No completion-time model is active yet: train one with manage.py train_completion_model."
FEATURES_CHANGED = "it was trained on other features than this code computes; train a new version"
ACTIVE_MODEL_REFUSED = "The active model version {version} could not be loaded and no earlier version is loaded."


class ModelUnavailable(DomainError):
    """No version is active, or the active one cannot be loaded and nothing else is loaded."""


@dataclass(frozen=True)
class LoadedModel:
    version_id: int
    estimator: Any  # a fitted scikit-learn regressor


_lock = threading.Lock()
_loaded: LoadedModel | None = None
_refused_at: dict[int, float] = {}


def active_version_id() -> int | None:
    # 0 stands for "none active": the cache cannot hold None (it reads as a miss).
    return cached(ACTIVE_CACHE, _read_active_version_id, timeout=ACTIVE_TTL) or None


def _read_active_version_id() -> int:
    return ModelVersion.objects.filter(is_active=True).values_list("pk", flat=True).first() or 0


def current_model() -> LoadedModel:
    """The active version's model, loading it on first use in this process."""
    wanted = active_version_id()
    if wanted is None:
        raise ModelUnavailable(NO_ACTIVE_MODEL)
    loaded = _loaded
    if loaded is not None and loaded.version_id == wanted:
        return loaded
    with _lock:
        return _swap_to(wanted)


def _swap_to(wanted: int) -> LoadedModel:
    """Load ``wanted`` unless another thread just did; the caller holds _lock."""
    global _loaded
    previous = _loaded
    if previous is not None and previous.version_id == wanted:
        return previous
    refused = _refused_at.get(wanted)
    if refused is None or time.monotonic() - refused > RETRY_REFUSED_AFTER:
        try:
            # The checksum comes from the database, never from the cache.
            version = ModelVersion.objects.only("artifact", "sha256", "feature_names").get(pk=wanted)
            if list(version.feature_names) != list(FEATURE_NAMES):
                raise artifacts.ArtifactRefused(FEATURES_CHANGED)
            estimator = artifacts.load(version.artifact, sha256=version.sha256)
        except Exception as error:  # noqa: BLE001 — refused, missing, unreachable storage: keep serving
            _refused_at[wanted] = time.monotonic()
            log.error(
                "Model version %s refused; still serving version %s: %s",
                wanted, previous.version_id if previous else None, error,
            )
        else:
            _refused_at.pop(wanted, None)
            _loaded = LoadedModel(wanted, estimator)
            log.info("Model version %s loaded (was %s)", wanted, previous.version_id if previous else None)
            return _loaded
    if previous is None:
        raise ModelUnavailable(ACTIVE_MODEL_REFUSED.format(version=wanted))
    return previous


def forget_loaded_model() -> None:
    """Drop this process's model (tests, and a shell that wants a fresh load)."""
    global _loaded
    with _lock:
        _loaded = None
        _refused_at.clear()
