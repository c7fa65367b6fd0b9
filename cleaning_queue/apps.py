from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CleaningQueueConfig(AppConfig):
    # The folder cannot be called "queue": a top-level package of that name shadows the standard
    # library module, which breaks Django at import and silently replaces the app under gunicorn
    # and Celery. The label keeps tables and admin URLs under "queue".
    name = "cleaning_queue"
    label = "queue"
    verbose_name = "Cleaning queue"

    def ready(self) -> None:
        from workorders import signals

        from . import receivers

        post_migrate.connect(ensure_the_queue, sender=self)
        signals.stage_changed.connect(receivers.follow_stage, dispatch_uid="queue-follow-stage")
        signals.work_order_saved.connect(receivers.follow_edit, dispatch_uid="queue-follow-edit")
        signals.work_order_deleting.connect(receivers.leave_before_delete, dispatch_uid="queue-leave")


def ensure_the_queue(sender, using="default", **kwargs) -> None:
    """The queue row is data every move locks; a test flush removes it, migrate puts it back."""
    from .models import QUEUE_PK, Queue

    Queue.objects.using(using).get_or_create(pk=QUEUE_PK)
