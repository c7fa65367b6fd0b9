"""Celery beat that sends only while it holds a Redis lock: one beat however many instances run.

Elastic Beanstalk starts every Procfile process on every instance, so two web instances mean two
beats, and every nightly task would be sent twice. Each beat here takes or renews the lock on
every tick; the holder sends what is due, the others stand by and take over within
``LOCK_SECONDS`` when it stops (on shutdown it lets go at once).

A standby keeps its schedule caught up ("everything ran just now") so that on taking over it
sends only what falls due from then on, not every entry it never sent itself. The cost: a task
due in the seconds between the old leader's death and the takeover is skipped until its next
time, which is the right failure for e-mails and nightly jobs (at most once, never twice).
"""

import contextlib
import logging
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_SECONDS = 60
RENEW_EVERY = 15  # seconds; well inside LOCK_SECONDS, so a live leader never loses the lock

# Take the lock if it is free, renew it if it is ours; 1 when we hold it afterwards.
_TAKE_OR_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
_RELEASE_IF_OURS = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self.token = uuid.uuid4().hex
        self.lock_key = f"{settings.CACHE_KEY_PREFIX}:celery-beat-leader"  # deployments sharing a Redis
        self.is_leader = False
        super().__init__(*args, **kwargs)
        url = self.app.conf.broker_url or ""
        # Without Redis (the embedded default runs tasks eagerly) there is only ever one beat.
        self._redis = redis.Redis.from_url(url, socket_timeout=5) if url.startswith(("redis://", "rediss://")) else None

    def tick(self, *args, **kwargs):
        if not self._hold_lock():
            if self.is_leader:
                logger.warning("Celery beat %s lost the leader lock; standing by", self.token)
            self.is_leader = False
            self._catch_up()
            return RENEW_EVERY
        if not self.is_leader:
            logger.info("Celery beat %s is the leader", self.token)
            self.is_leader = True
            self._heap = None  # rebuilt from the caught-up schedule
        return min(super().tick(*args, **kwargs), RENEW_EVERY)

    def close(self):
        if self._redis is not None and self.is_leader:
            with contextlib.suppress(redis.RedisError):  # the lock expires by itself
                self._redis.eval(_RELEASE_IF_OURS, 1, self.lock_key, self.token)
        super().close()

    def _hold_lock(self) -> bool:
        if self._redis is None:
            return True
        try:
            return bool(self._redis.eval(_TAKE_OR_RENEW, 1, self.lock_key, self.token, LOCK_SECONDS * 1000))
        except redis.RedisError:
            logger.warning("Celery beat %s cannot reach Redis; sending nothing", self.token, exc_info=True)
            return False

    def _catch_up(self) -> None:
        now = self.app.now()
        for entry in self.schedule.values():
            entry.last_run_at = now
