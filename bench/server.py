"""Start the app under gunicorn (the production process model) for HTTP tests and benchmarks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, database_url: str, workers: int = 3, threads: int = 2, extra_env: dict | None = None):
    """Yield the base URL of a gthread gunicorn serving the app on ``database_url``."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_DEBUG": "false"} | (extra_env or {})
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "awning.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", str(workers), "--threads", str(threads), "--timeout", "60", "--log-level", "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{process.stdout.read()}")
        try:
            # The first request also loads Django inside the worker: allow it time.
            urllib.request.urlopen(f"{base}/admin/login/", timeout=10)
            return
        except OSError:  # refused while binding, or a timeout; URLError is an OSError too
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")
