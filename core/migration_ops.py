"""Migration operations that only PostgreSQL needs."""

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
