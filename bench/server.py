"""Start the app under gunicorn (the production process model) for HTTP tests and benchmarks."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Production refuses the development key, so the server gets this one; sessions made in the
# calling process for its clients must be signed with it too (``session_id_for``).
SECRET_KEY = secrets.token_urlsafe(50)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_id_for(user) -> str:
    """A logged-in session for ``user`` that the server started here accepts (no password hashing)."""
    from django.test import Client, override_settings

    with override_settings(SECRET_KEY=SECRET_KEY):
        client = Client()
        client.force_login(user)
    return client.cookies["sessionid"].value


def production_env(database_url: str, extra_env: dict | None = None) -> dict:
    """Production settings (DEBUG off) as on a real server, except plain HTTP on the loopback."""
    return os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    } | (extra_env or {})


@contextmanager
def gunicorn(
    *, database_url: str, workers: int = 3, threads: int = 2, extra_env: dict | None = None,
    extra_args: list[str] | None = None,
):
    """Yield the base URL of a gthread gunicorn serving the app on ``database_url``, started
    with the production gunicorn.conf.py (workers never recycled mid-run) and collected static
    files, the way Elastic Beanstalk runs it."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="awning-gunicorn-") as scratch:
        env = production_env(database_url, {"DJANGO_STATIC_ROOT": f"{scratch}/static"} | (extra_env or {}))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
        )
        command = [
            str(Path(sys.executable).with_name("gunicorn")), "awning.wsgi:application", "--config", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
            "--max-requests", "0", "--log-level", "warning", "--access-logfile", "/dev/null", *(extra_args or []),
        ]
        # A file, not a pipe: nobody reads the output while it runs, and a full pipe would block the workers.
        with open(f"{scratch}/gunicorn.log", "w+") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_until_up(base, process, log)
                yield base
            finally:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()


def _wait_until_up(base: str, process: subprocess.Popen, log, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited:\n{log.read()}")
        try:
            # The first request also loads Django inside the worker: allow it time.
            urllib.request.urlopen(f"{base}/admin/login/", timeout=10)
            return
        except OSError:  # refused while binding, or a timeout; URLError is an OSError too
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")
