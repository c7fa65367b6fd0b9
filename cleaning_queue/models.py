from django.conf import settings
from django.db import models
from django.db.models import Q

from workorders.models import WorkOrder

# The shop has one queue, and this is its primary key: migrations create the row, post_migrate
# puts it back after a test flush, and every move locks it.
QUEUE_PK = 1


class Queue(models.Model):
    """The shop's one cleaning queue. Its row is the lock every move takes, and its version is
    what a reorder must name: a reorder based on an older version is refused."""

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=QUEUE_PK), name="queue_is_a_singleton")]
        permissions = (("reorder_queue", "Can reorder and reset the cleaning queue"),)

    def __str__(self) -> str:
        return f"Cleaning queue (version {self.version})"


class QueueEntry(models.Model):
    """A work order's place in the queue: positions are 1..N, unique, without gaps.

    On PostgreSQL the unique constraint is deferred to commit, so a move rewrites the shifted
    rows in one statement. SQLite cannot defer it: there migration 0003 adds an ordinary unique
    index instead, and the services write positions in two statements (park the rows above
    PARK_OFFSET, then set their final values) so the index holds after each one.
    """

    work_order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="queue_entry")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ("position",)
        verbose_name_plural = "queue entries"
        constraints = [
            models.UniqueConstraint(
                fields=("position",), name="queue_position_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(position__gt=0), name="queue_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. WO {self.work_order.number}"
