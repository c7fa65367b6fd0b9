"""Finding 9: cached reads are shared by every process and change only when a write commits."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from core.cache import current_key
from customers.selectors import SOURCE_CHOICES
from customers.services import update_source
from customers.tests.factories import SourceFactory
from testing.concurrency import concurrency_marks

pytestmark = [*concurrency_marks(), pytest.mark.slow]  # each test starts Python processes

READ_SOURCES = (
    "import django, json; django.setup();"
    "from customers.selectors import list_source_choices;"
    "print(json.dumps([name for _, name in list_source_choices()]))"
)


def read_in_another_process() -> list[str]:
    """What a second OS process (another gunicorn worker, say) sees, through the shared cache."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "awning.settings"}
    done = subprocess.run(
        [sys.executable, "-c", READ_SOURCES], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Abort(Exception):
    pass


def test_committed_write_is_visible_to_another_process_and_a_rollback_leaves_the_cache_alone():
    source = SourceFactory(name="Alpha Sails")
    assert read_in_another_process() == ["Alpha Sails"]
    assert cache.get(current_key(SOURCE_CHOICES)) == [(source.pk, "Alpha Sails")]  # it did populate the cache

    with transaction.atomic():
        update_source(source=source, fields={"name": "Beta Sails"})
        assert read_in_another_process() == ["Alpha Sails"]  # not committed yet
    assert read_in_another_process() == ["Beta Sails"]

    key_before = current_key(SOURCE_CHOICES)
    with pytest.raises(Abort), transaction.atomic():
        update_source(source=source, fields={"name": "Gamma Sails"})
        raise Abort
    assert current_key(SOURCE_CHOICES) == key_before
    assert cache.get(key_before) == [(source.pk, "Beta Sails")]
    assert read_in_another_process() == ["Beta Sails"]


def test_negative_control_clearing_before_commit_lets_another_process_cache_stale_data():
    source = SourceFactory(name="Alpha Sails")
    assert read_in_another_process() == ["Alpha Sails"]
    with transaction.atomic():
        source.name = "Beta Sails"
        source.save()
        cache.delete(current_key(SOURCE_CHOICES))  # the legacy order: clear, then commit
        read_in_another_process()  # a request in another worker refills it from the old rows
    assert read_in_another_process() == ["Alpha Sails"], "stale data expected from the naive order"
