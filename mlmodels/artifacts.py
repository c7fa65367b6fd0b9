"""Model artifacts in the default storage, in skops format, with their sha256.

Not pickle: unpickling runs whatever code the file names, so a tampered artifact would run on
every worker. skops loads only types on an explicit allow-list, and we check the checksum
recorded in the database before loading at all.
"""

import hashlib

import skops.io as sio
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from sklearn.base import RegressorMixin

ARTIFACT_DIR = "ml-models"
# Non-default types our estimators need (skops trusts numpy and the sklearn estimators themselves).
TRUSTED_TYPES = [
    "functools.partial",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
]


class ArtifactRefused(Exception):
    """The stored artifact is not the one that was trained (checksum) or holds untrusted types."""


def dump(estimator: RegressorMixin) -> tuple[bytes, str]:
    data = sio.dumps(estimator, compression=8)
    return data, hashlib.sha256(data).hexdigest()


def save(data: bytes, *, name: str) -> str:
    """Store the bytes; returns the storage name actually used (never overwrites)."""
    return default_storage.save(f"{ARTIFACT_DIR}/{name}", ContentFile(data))


def load(name: str, *, sha256: str) -> RegressorMixin:
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise ArtifactRefused(f"checksum mismatch for {name}: expected {sha256}, found {actual}")
    untrusted = set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES)
    if untrusted:
        raise ArtifactRefused(f"{name} holds types that are not on the allow-list: {sorted(untrusted)}")
    return sio.loads(data, trusted=TRUSTED_TYPES)
