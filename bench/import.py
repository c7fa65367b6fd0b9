"""Time `manage.py import_legacy` on a legacy database the size of the real shop.

    .venv/bin/python bench/import.py --generator ../shared/legacy/make_legacy_db.py \
        --legacy-url postgresql://postgres@127.0.0.1:5432/legacy_bench \
        --target-url postgres://postgres@127.0.0.1:5432/awning_bench --customers 27000

1. fills the legacy database with the shared generator (``--customers``, ``--seed``);
2. drops, recreates and migrates the target database (PostgreSQL URL, or sqlite:///path);
3. runs the import in a child process, timing it and reading its peak RSS; then runs it again
   (the repeat must write nothing) and prints a Markdown row for docs/benchmarks.md.

Targets: the whole first import under 2 minutes, peak memory under 1 GB.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.setup import ROOT, fresh_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator", type=Path, required=True, help="make_legacy_db.py of the legacy fixture")
    parser.add_argument("--legacy-url", required=True, help="an existing (scratch) PostgreSQL database")
    parser.add_argument("--target-url", required=True, help="the database to import into; dropped first")
    parser.add_argument("--customers", type=int, default=27000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()
    if not args.generator.exists():
        sys.exit(f"No generator at {args.generator}")

    print(f"load average before: {os.getloadavg()}")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(args.generator), "--dsn", args.legacy_url, "--customers",
                    str(args.customers), "--seed", str(args.seed), "--drop", "--quiet"], check=True)
    print(f"generator: {time.perf_counter() - started:.1f} s")
    fresh_database(args.target_url)

    first = run_import(args)
    second = run_import(args)
    print(f"load average after: {os.getloadavg()}")
    print("| run | wall s | peak RSS MB | rows written |")
    print("|---|---|---|---|")
    for label, (seconds, peak_mb, written) in (("first import", first), ("repeat (no changes)", second)):
        print(f"| {label} | {seconds:.1f} | {peak_mb:.0f} | {written} |")


def run_import(args) -> tuple[float, float, int]:
    """Wall time, peak RSS of the import process itself (wait4 on its pid), rows written."""
    env = os.environ | {"DATABASE_URL": args.target_url, "DJANGO_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_legacy", "--source", args.legacy_url, "--no-progress",
             "--batch-size", str(args.batch_size)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    print(output)
    if process.returncode:
        sys.exit(f"import_legacy failed with exit code {process.returncode}")
    written = sum(int(created) + int(updated) + int(deleted) for created, updated, deleted in re.findall(
        r"^\S+\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+$", output, re.M))
    return seconds, usage.ru_maxrss / 1024, written


if __name__ == "__main__":
    main()
