from django.apps import AppConfig


class FilesConfig(AppConfig):
    """Attachments end to end: upload checks, staging, promotion, downloads, reconciliation.
    The concrete file models live with their owners and are listed in ``files.registry``."""

    name = "files"
    verbose_name = "Files"
