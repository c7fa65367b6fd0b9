from django.apps import AppConfig


class CleaningQueueConfig(AppConfig):
    # The folder cannot be called "queue": a top-level package of that name shadows the standard
    # library module, which breaks Django at import and silently replaces the app under gunicorn
    # and Celery. The label keeps tables and admin URLs under "queue".
    name = "cleaning_queue"
    label = "queue"
    verbose_name = "Cleaning queue"
