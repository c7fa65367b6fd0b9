"""Every operator command is documented in the README and behaves like one: help, a dry run
where it changes data, and one clear line with a non-zero exit on failure.

Data-driven from the README's "Operations" section, so a command added there (or to an app)
is covered without touching this file.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = re.search(r"^## Operations\n(.*?)(?=^## )", (ROOT / "README.md").read_text(), re.M | re.S).group(1)
DOCUMENTED = sorted(set(re.findall(r"manage\.py ([a-z_]+)", OPERATIONS)))
# Commands that change data only behind an explicit flag, so they need no --dry-run.
SAFE_BY_DEFAULT = {
    "check_sequences": "read-only; only --fix moves sequences forward",
    "reconcile_storage": "only reports unless --delete",
}
DJANGO_OR_LIBRARY = {"check", "migrate", "collectstatic", "createsuperuser", "shell", "axes_reset_username",
                     "axes_reset", "axes_reset_ip", "axes_list_attempts", "showmigrations"}


def _project_commands() -> set[str]:
    return {name for name, app in get_commands().items() if (ROOT / app.replace(".", "/")).is_dir()}


def _parser(name: str):
    return load_command_class(get_commands()[name], name).create_parser("manage.py", name)


def test_every_project_command_is_in_the_operations_section():
    assert not _project_commands() - set(DOCUMENTED), "document these in README ## Operations"


@pytest.mark.parametrize("name", [name for name in DOCUMENTED if name not in DJANGO_OR_LIBRARY])
def test_documented_command_has_help_and_a_dry_run_when_it_changes_data(name):
    if name not in get_commands():
        pytest.skip(f"{name} is documented but not in this checkout yet")
    parser = _parser(name)
    assert parser.description, f"{name} has no help sentence"
    options = {option for action in parser._actions for option in action.option_strings}
    assert "--dry-run" in options or name in SAFE_BY_DEFAULT
    for action in parser._actions:
        if action.option_strings and action.dest not in {"help", "version"} and action.default != "==SUPPRESS==":
            assert action.help, f"{name} {action.option_strings[0]} has no help text"


def test_documented_library_commands_exist():
    assert {name for name in DOCUMENTED if name in DJANGO_OR_LIBRARY} <= set(get_commands())


@pytest.mark.slow
def test_a_failing_command_exits_non_zero_with_one_clear_line():
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_USER_PASSWORD"}
    result = subprocess.run([sys.executable, "manage.py", "create_user", "sam", "--role", "Office"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["CommandError: Give --password or set DJANGO_USER_PASSWORD."]


@pytest.mark.django_db
def test_create_user_dry_run_checks_everything_and_saves_nothing(capsys):
    from accounts.models import User

    call_command("create_user", "sam", "--role", "Office", "--password", "tarp-Harbor-41-mildew", "--dry-run")
    assert not User.objects.filter(username="sam").exists()
    assert "nothing was saved" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Unknown role|invalid choice"):
        call_command("create_user", "sam", "--role", "Owner", "--password", "x")


@pytest.mark.django_db
def test_create_user_refuses_a_taken_name_in_one_line():
    call_command("create_user", "sam", "--role", "Office", "--password", "tarp-Harbor-41-mildew")
    with pytest.raises(CommandError) as caught:
        call_command("create_user", "SAM", "--role", "Office", "--password", "tarp-Harbor-41-mildew")
    assert str(caught.value) == "A user named 'SAM' already exists."


def test_seed_demo_refuses_a_shop_without_customers():
    with pytest.raises(CommandError, match="--customers must be at least 1"):
        call_command("seed_demo", "--customers", "0")
