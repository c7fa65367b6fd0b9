"""The house rules a machine can check, run with the suite so CI holds them: lint and import
order (ruff), the layers and "shipped code never imports tests" (import-linter), code already
in Django 5.2's idiom (django-upgrade), and types on the services and selectors (mypy).

Configuration lives in pyproject.toml. The tools read the source, not the database, so these run
once, on the embedded default pass.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="source checks run on the embedded-default pass"
)


def tracked_python_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split() if (ROOT / name).exists()]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    result = run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept():
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_django_upgrade_has_nothing_to_change():
    result = run(str(BIN / "django-upgrade"), "--target-version", "5.2", "--check", *tracked_python_files())
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_and_selectors_type_check():
    targets = sorted(str(path.relative_to(ROOT)) for pattern in ("*/services.py", "*/selectors.py") for path in ROOT.glob(pattern))
    result = run(str(BIN / "mypy"), *targets)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_and_django_upgrade_would_fail_on_a_violation(tmp_path):
    """Negative control: the same tools, pointed at a module that breaks their rules, fail."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sys\nimport os\n")  # unsorted and unused
    assert run(str(BIN / "ruff"), "check", "--no-cache", "--isolated", "--select", "I,F", str(bad)).returncode == 1
    old = tmp_path / "old.py"
    old.write_text('from django.db.models import CheckConstraint, Q\nrule = CheckConstraint(check=Q(a=1), name="a")\n')
    assert run(str(BIN / "django-upgrade"), "--target-version", "5.2", "--check", str(old)).returncode == 1


def test_the_layers_contract_catches_shipped_code_and_leaves_tests_alone(tmp_path):
    """Negative control for testing/architecture.py: a lower package importing a higher one is
    reported; the same import from the lower package's tests is not."""
    for package, body in {"low": "", "low/tests": "", "high": ""}.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(body)
    (tmp_path / "low" / "tests" / "test_low.py").write_text("import high\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_packages =\n    low\n    high\n"
        "contract_types =\n    shipped_layers: testing.architecture.ShippedLayersContract\n"
        "[importlinter:contract:layers]\nname = layers\ntype = shipped_layers\nlayers =\n    high\n    low\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}

    def lint() -> int:
        return subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120).returncode

    assert lint() == 0  # only a test imports upwards
    (tmp_path / "low" / "views.py").write_text("import high\n")
    assert lint() == 1
