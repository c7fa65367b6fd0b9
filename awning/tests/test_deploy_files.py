"""Procfile, .ebextensions and gunicorn.conf.py name only things that exist and agree."""

import importlib
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
EB_CONFIGS = sorted((ROOT / ".ebextensions").glob("*.config"))
MANAGE_COMMAND = re.compile(r"manage\.py\s+([a-z_]+)")


def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = shlex.split(command)
    return processes


def eb_settings() -> dict:
    merged = {"option_settings": {}, "container_commands": {}}
    for path in EB_CONFIGS:
        config = yaml.safe_load(path.read_text())
        for key in merged:
            merged[key].update(config.get(key) or {})
    return merged


def _import_target(target: str):
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute or "application")


def test_procfile_runs_web_worker_and_beat():
    processes = procfile()
    assert set(processes) == {"web", "worker", "beat"}
    assert processes["worker"][:4] == ["celery", "-A", "awning", "worker"]
    assert processes["beat"][:4] == ["celery", "-A", "awning", "beat"]
    # Every instance runs every process: only the lock holder may send (awning/beat.py).
    beat = processes["beat"]
    assert beat[beat.index("--scheduler") + 1] == "core.beat:SingleBeatScheduler"
    assert processes["web"][0] == "gunicorn"


def test_the_web_process_serves_an_existing_wsgi_app_with_the_gunicorn_config():
    web = procfile()["web"]
    config = web[web.index("--config") + 1]
    target = next(arg for arg in web[1:] if ":" in arg)

    assert callable(_import_target(target))
    values = runpy.run_path(str(ROOT / config))
    assert values["worker_class"] == "gthread"
    assert values["workers"] >= 2 and values["threads"] >= 2
    assert values["max_requests"] > 0 and values["max_requests_jitter"] > 0
    assert 0 < values["timeout"] <= 60  # nginx and the load balancer give up at 60 s
    assert "x-request-id" in values["access_log_format"]


@pytest.mark.slow
def test_gunicorn_accepts_the_config_and_loads_the_app():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--check-config", *procfile()["web"][1:]],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("process", ["worker", "beat"])
def test_celery_processes_use_the_app_and_options_celery_knows(process):
    from celery import Celery

    import awning

    command = procfile()[process]
    assert isinstance(awning.celery_app, Celery)
    help_text = subprocess.run(
        [str(Path(sys.executable).with_name("celery")), "-A", "awning", process, "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    ).stdout
    for option in (arg for arg in command[4:] if arg.startswith("--")):
        assert option in help_text, f"celery {process} has no option {option}"


def test_ebextensions_wsgi_path_and_health_check_match_the_app():
    options = eb_settings()["option_settings"]
    wsgi_path = options["aws:elasticbeanstalk:container:python"]["WSGIPath"]
    assert callable(_import_target(wsgi_path))
    assert wsgi_path in procfile()["web"], "the Procfile and WSGIPath must serve the same app"
    health_path = options["aws:elasticbeanstalk:environment:process:default"]["HealthCheckPath"]
    from core.health import HEALTH_PATH

    assert health_path == HEALTH_PATH == options["aws:elasticbeanstalk:application"]["Application Healthcheck URL"]


def test_ebextensions_set_production_mode_and_keep_secrets_out():
    environment = eb_settings()["option_settings"]["aws:elasticbeanstalk:application:environment"]
    assert environment["DJANGO_DEBUG"] == "false"
    assert environment["DJANGO_SETTINGS_MODULE"] == "awning.settings"
    assert int(environment["AWNING_TRUSTED_PROXY_COUNT"]) == 2  # ALB + nginx
    assert not {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} & set(environment)


def test_migrations_run_once_per_deploy_on_the_leader_and_static_files_everywhere():
    commands = eb_settings()["container_commands"]
    by_command = {MANAGE_COMMAND.search(spec["command"]).group(1): spec for spec in commands.values()}
    assert by_command["migrate"].get("leader_only") is True
    assert not by_command["collectstatic"].get("leader_only")
    assert "--noinput" in by_command["migrate"]["command"] and "--noinput" in by_command["collectstatic"]["command"]


def test_every_manage_py_command_the_deploy_runs_exists():
    named = [MANAGE_COMMAND.search(spec["command"]) for spec in eb_settings()["container_commands"].values()]
    named = [match.group(1) for match in named if match]
    assert named, "the deploy should run manage.py commands"
    assert set(named) <= set(get_commands()), f"unknown: {set(named) - set(get_commands())}"


def test_nginx_on_the_instance_accepts_a_full_set_of_uploads(settings):
    conf = (ROOT / ".platform/nginx/conf.d/awning.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size\s+(\d+)M;", conf).group(1))
    # nginx's default (1 MB) would refuse a single photo with a 413 before Django saw it.
    assert megabytes * 1024 * 1024 >= 5 * settings.UPLOAD_MAX_BYTES
