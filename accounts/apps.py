from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate, sender=self)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    """Bring the role groups in line with accounts.roles after every migrate (and test flush).

    The data migration creates the groups on a fresh database, but permissions of apps migrated
    after it (admin, sessions, ...) and later edits of roles.py only arrive here.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .roles import sync_roles

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(apps)
