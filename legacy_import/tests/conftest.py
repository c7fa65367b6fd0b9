import os

import psycopg
import pytest

from . import legacy_fixture

# The legacy source is always PostgreSQL, on both test passes (the import target is our default
# database, PostgreSQL or SQLite). Each test gets a freshly built legacy schema. Without
# LEGACY_TEST_DATABASE_URL each test session uses its own database (two suites running at once
# on one server must not rebuild each other's tables) and drops it at the end.
NAMED_URL = os.environ.get("LEGACY_TEST_DATABASE_URL")
SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def legacy_database_url():
    url = NAMED_URL or f"{SERVER}/legacy_import_test_{os.getpid()}"
    base, _, name = url.rpartition("/")
    try:
        admin = psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"The legacy source must be PostgreSQL and {base} is not reachable: {error}")
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
        yield url
        if not NAMED_URL:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def legacy_db(legacy_database_url):
    """The DSN of a legacy database holding exactly legacy_fixture's rows."""
    with psycopg.connect(legacy_database_url) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
        legacy_fixture.build(connection)
    return legacy_database_url


@pytest.fixture
def legacy_sql(legacy_db):
    """Run SQL against the legacy database (to simulate a new export)."""

    def run(sql: str, params=()):
        with psycopg.connect(legacy_db) as connection:
            connection.execute(sql, params)

    return run
