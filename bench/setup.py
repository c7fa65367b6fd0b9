"""A fresh, migrated benchmark database and logged-in sessions, shared by the bench scripts."""

import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(url: str) -> None:
    """Drop and recreate the database at ``url``, migrate it, and set Django up against it."""
    os.environ |= {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "awning.settings"}
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme.startswith("postgres"):
        import psycopg

        with psycopg.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
                             dbname="postgres", autocommit=True) as conn:
            name = parsed.path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        Path(parsed.path).unlink(missing_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sessions(count: int, role: str) -> list[str]:
    """Session ids of ``count`` new users in ``role`` (no password hashing on the way)."""
    from bench.server import session_id_for

    return [session_id_for(bench_user(role)) for _ in range(count)]


def bench_user(role: str):
    """A new user in ``role`` with a throwaway password (benchmarks log in by session)."""
    from accounts.services import create_user

    name = f"bench-{role.lower()}-{uuid.uuid4().hex[:8]}"
    return create_user(username=name, email="", password=uuid.uuid4().hex, role=role, check_password=False)


def percentiles(milliseconds: list[float]) -> tuple[float, float, float]:
    import statistics

    q = statistics.quantiles(sorted(milliseconds), n=100)
    return q[49], q[94], q[98]
