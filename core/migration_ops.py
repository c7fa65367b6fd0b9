"""Migration operations the apps share: PostgreSQL-only indexes, and moving a permission between
models without losing who holds it."""

from django.conf import settings
from django.db import migrations


def trigram_search_indexes(*targets: tuple[str, str]) -> migrations.RunPython:
    """GIN trigram indexes for the admin's ``icontains`` search on PostgreSQL.

    Django compiles icontains to ``UPPER(col::text) LIKE UPPER(%s)``, so the index is on that
    expression. SQLite has no such index type; there the operation does nothing.
    """
    names = [f"{table}_{column}_trgm" for table, column in targets]

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for (table, column), name in zip(targets, names, strict=True):
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in names:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards)


def move_permission(codename: str, *, name: str, old: tuple[str, str], new: tuple[str, str]) -> migrations.RunPython:
    """Move the permission ``codename`` from model ``old`` to model ``new`` (each ``(app_label,
    model_name)``), keeping its grants; reversible.

    Django never deletes a permission a model stops declaring, nor gives groups and users the one
    it starts declaring. Here every group and user holding the old permission gets the new one,
    then the old one is deleted. On a fresh database no permission exists yet (post_migrate
    creates them after all migrations), so there is nothing to carry over; the new one and its
    content type are created here only when the old one has holders to pass on.
    """

    def carry(apps, source: tuple[str, str], target: tuple[str, str]) -> None:
        Permission = apps.get_model("auth", "Permission")
        ContentType = apps.get_model("contenttypes", "ContentType")
        before = Permission.objects.filter(
            content_type__app_label=source[0], content_type__model=source[1], codename=codename
        ).first()
        if before is None:
            return
        after, _ = Permission.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(apps.get_model(*target), for_concrete_model=False),
            codename=codename,
            defaults={"name": name},
        )
        Group = apps.get_model("auth", "Group")
        User = apps.get_model(settings.AUTH_USER_MODEL)
        for through, holder in ((Group.permissions.through, "group_id"), (User.user_permissions.through, "user_id")):
            holders = through.objects.filter(permission_id=before.pk).values_list(holder, flat=True)
            through.objects.bulk_create(
                [through(**{holder: pk, "permission_id": after.pk}) for pk in holders], ignore_conflicts=True
            )
        before.delete()

    def forwards(apps, schema_editor):
        carry(apps, old, new)

    def backwards(apps, schema_editor):
        carry(apps, new, old)

    return migrations.RunPython(forwards, backwards)
