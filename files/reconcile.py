"""Storage against the database: what to sweep, what is missing, what is stuck in staging.

Only the attachment prefixes are swept, so other users of the bucket (model artifacts) and the
legacy app's objects that imported rows still name are never touched. Objects are judged by age as well as by reference, because a promote in flight
has copied its object a moment before its row names it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from . import attachments
from .registry import FINAL_PREFIXES, attachment_models
from .storage import LEGACY_PREFIXES, STAGING_PREFIX, delete_objects, is_staged, iter_objects

STAGED_MAX_AGE = timedelta(days=1)
# Longer than any promote takes between copying an object and committing the row that names it.
UNREFERENCED_GRACE = timedelta(hours=1)
# A row still pending (staged, or an uncopied copy) after this long missed its promote (a broker
# outage): enqueue it again.
STUCK_AFTER = timedelta(minutes=15)


@dataclass
class Report:
    scanned: int = 0
    orphans: list[str] = field(default_factory=list)
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # (model, pk, object name)
    stuck: list[tuple[str, int]] = field(default_factory=list)
    deleted: bool = False

    def summary(self) -> dict:
        return {
            "scanned": self.scanned, "orphans": len(self.orphans), "missing": len(self.missing),
            "stuck": len(self.stuck), "deleted": self.deleted,
        }


def reconcile(*, delete: bool, staged_max_age: timedelta = STAGED_MAX_AGE,
              grace: timedelta = UNREFERENCED_GRACE) -> Report:
    """Find orphans, missing objects and stuck rows; with ``delete`` remove the orphans and
    re-enqueue the stuck promotions, otherwise change nothing."""
    now = timezone.now()
    report = Report()
    referenced = _referenced_names()
    present = set()
    for prefix in (STAGING_PREFIX, *FINAL_PREFIXES):
        for stored in iter_objects(default_storage, prefix):
            report.scanned += 1
            present.add(stored.name)
            if stored.name in referenced:
                continue
            age = now - stored.modified
            if age > (staged_max_age if is_staged(stored.name) else grace):
                report.orphans.append(stored.name)
    for prefix in LEGACY_PREFIXES:
        present.update(stored.name for stored in iter_objects(default_storage, prefix))
    report.missing = [(label, pk, name) for name, rows in referenced.items() if name not in present for label, pk in rows]
    report.stuck = _stuck_rows(now - STUCK_AFTER)
    if delete:
        delete_objects(default_storage, report.orphans)
        for label, pk in report.stuck:
            attachments.send_file_task("promote_attachment", label, pk)
        report.deleted = True
    return report


def _referenced_names() -> dict[str, list[tuple[str, int]]]:
    """Object name -> the rows naming it (two, while a converted check-in's copy is pending)."""
    names = defaultdict(list)
    for model in attachment_models():
        for pk, file, thumbnail in model.objects.values_list("pk", "file", "thumbnail").iterator(chunk_size=5000):
            for name in (file, thumbnail):
                if name:
                    names[name].append((model._meta.label, pk))
    return names


def _stuck_rows(before) -> list[tuple[str, int]]:
    return [
        (model._meta.label, pk)
        for model in attachment_models()
        # Staged, or a converted check-in's copy not yet made (it names the check-in's object).
        for pk in model.objects.filter(attachments.pending_filter(model), uploaded_at__lt=before).values_list("pk", flat=True)
    ]
