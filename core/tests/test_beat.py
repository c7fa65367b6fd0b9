"""Two beats (two Elastic Beanstalk instances) send each scheduled task once, and a standby takes
over when the leader goes."""

from datetime import timedelta

import pytest
from celery import Celery
from django.conf import settings

from core.beat import SingleBeatScheduler

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="the leader lock lives in Redis; the embedded default runs no beat processes"
    ),
]


@pytest.fixture
def beats(tmp_path):
    """Two schedulers as two instances would run them, each recording what it sends."""
    app = Celery("beat-test", broker=settings.REDIS_URL, set_as_current=False)
    app.conf.beat_schedule = {"every-second": {"task": "awning.tests.noop", "schedule": 1.0}}
    app.conf.result_expires = None  # no built-in cleanup entry besides ours
    made = []

    def make(name):
        scheduler = SingleBeatScheduler(app, schedule_filename=str(tmp_path / name), lazy=False)
        scheduler.sent = []
        scheduler.apply_async = lambda entry, producer=None, **kwargs: scheduler.sent.append(entry.name)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.close()


def _make_due(scheduler) -> None:
    """As if the entry last ran long ago (time passing, without sleeping in the test)."""
    for entry in scheduler.schedule.values():
        entry.last_run_at = scheduler.app.now() - timedelta(hours=1)
    scheduler._heap = None


def _run(scheduler, ticks: int = 3) -> None:
    for _ in range(ticks):
        scheduler.tick()


def test_only_the_lock_holder_sends(beats):
    first, second = beats("a"), beats("b")
    _make_due(first)
    _make_due(second)

    _run(first)
    _run(second)

    assert first.is_leader and not second.is_leader
    assert first.sent == ["every-second"] and second.sent == []


def test_a_standby_takes_over_when_the_leader_stops_and_sends_only_what_falls_due_after(beats):
    first, second = beats("a"), beats("b")
    _run(first)
    _run(second)  # standing by: its own schedule is kept caught up

    first.close()  # a deploy or a terminated instance
    second.tick()

    assert second.is_leader
    assert second.sent == []  # the entry "ran just now" as far as the standby knows
    _make_due(second)
    _run(second)
    assert second.sent == ["every-second"]


def test_a_lost_lock_turns_the_leader_into_a_standby(beats):
    first, second = beats("a"), beats("b")
    _run(first)
    _make_due(first)
    first._redis.delete(first.lock_key)  # expired: the leader hung for longer than LOCK_SECONDS
    _run(second)

    first.sent.clear()
    _run(first)

    assert second.is_leader and not first.is_leader and first.sent == []
