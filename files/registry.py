"""Every kind of attachment, in one list: the word in its download URL, its concrete model and
where its final objects live. Everything else (download URLs, the final key, what reconcile
sweeps, what an import keeps) is derived from here.

Adding an owner: a concrete ``files.models.Attachment`` subclass in the owner's app whose
``upload_to`` calls ``final_name``, and one entry below.
"""

from dataclasses import dataclass
from operator import attrgetter

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class AttachmentOwner:
    kind: str  # /files/<kind>/<id>/
    model: str  # "app_label.ModelName" of the concrete attachment model
    prefix: str  # final objects: <prefix><folder>/<file name>
    folder: str  # attribute path on the attachment that names its folder

    def folder_of(self, attachment: models.Model) -> str:
        return str(attrgetter(self.folder)(attachment))


OWNERS = (
    AttachmentOwner(kind="work-order", model="workorders.WorkOrderFile", prefix="work-orders/", folder="work_order.number"),
    AttachmentOwner(kind="repair-order", model="repairs.RepairOrderFile", prefix="repair-orders/", folder="repair_order.number"),
    AttachmentOwner(kind="check-in", model="workorders.CheckInFile", prefix="check-ins/", folder="check_in_id"),
)
BY_KIND = {owner.kind: owner for owner in OWNERS}
BY_MODEL = {owner.model: owner for owner in OWNERS}
FINAL_PREFIXES = tuple(owner.prefix for owner in OWNERS)


def final_name(attachment: models.Model, filename: str) -> str:
    """The ``upload_to`` of every attachment model: its final key."""
    owner = BY_MODEL[attachment._meta.label]
    return f"{owner.prefix}{owner.folder_of(attachment)}/{filename}"


def attachment_models() -> list[type[models.Model]]:
    return [apps.get_model(owner.model) for owner in OWNERS]
