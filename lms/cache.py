"""A Redis cache that degrades instead of failing when Redis is unreachable.

Everything Lineage keeps in the cache can be lost or recomputed: verdicts, the published
status list, "viewed today" markers and rate-limit counters. So when Redis is down a request
should carry on as if the cache were empty, not answer 500 (django-redis offers the same as
``DJANGO_REDIS_IGNORE_EXCEPTIONS``). Only connection errors and timeouts are swallowed; any
other error is a bug and still raises.

While Redis is down, reads miss, writes are dropped and ``add`` reports success (callers use
it as "first time": recording a lesson view again is deduplicated by the database, and
allauth's rate-limit lock is then taken at once instead of spinning). ``incr`` still raises,
because a counter that silently restarts would be worse than one that says it is gone.

The consequence for rate limits is a deliberate choice: they **fail open**. Login throttling
(allauth) and the verification limits allow requests while the cache is down, rather than
locking every learner and employer out during a cache outage; the outage is logged on every
skipped operation so it is noticed, and slow password hashing still bounds a brute force.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# Without timeouts a Redis that hangs (rather than refusing) would hang every request.
DEFAULT_SOCKET_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


def _skipped(operation: str, error: Exception) -> None:
    logger.warning("cache unavailable, %s skipped: %s", operation, error)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache operation, and each one fills a table
    of ~170 response callbacks first: about a third of a millisecond per operation, more than
    the round trip itself on loopback (bench/results/profiles). A ``redis.Redis`` is safe to
    share between threads (each command takes a connection from the pool).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    """Django's ``RedisCache`` that treats an unreachable Redis as an empty cache."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_SOCKET_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            _skipped("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            _skipped("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as error:
            _skipped("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            _skipped("add", error)
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            _skipped("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as error:
            _skipped("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as error:
            _skipped("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            _skipped("delete", error)
            return False

    def clear(self):
        """Remove this cache's keys only: those under its key prefix.

        Django's ``RedisCache.clear`` runs FLUSHDB, which would also wipe Celery's queues
        (production shares the Redis database) and any other cache or test run on it.
        """
        try:
            client = self._cache.get_client(write=True)
            batch = []
            for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.unlink(*batch)
                    batch.clear()
            if batch:
                client.unlink(*batch)
        except UNAVAILABLE as error:
            _skipped("clear", error)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE as error:
            _skipped("delete_many", error)


def default_redis():
    """The default cache's backend when it is Redis (for commands Django's API lacks), else
    None: development and most tests run on the in-memory cache."""
    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def version_get(key: str) -> str:
    """The version stored at ``key`` (created if missing: a lost version must not revive
    what was keyed by an older one); "" when the cache can't be read, and then nothing keyed
    by a version may be trusted, since a change made meanwhile could not replace it."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key) or ""
    return version


def version_bump(key: str) -> None:
    """Replace the version at ``key``: everything keyed by the old one is stale."""
    cache.set(key, uuid.uuid4().hex, None)


def versioned_get_or_set(key: str, *, version_key: str, compute, timeout: int):
    """The value cached at ``key`` under the current version at ``version_key``, computed
    (and cached for ``timeout`` seconds) when missing; ``version_bump`` makes it stale."""
    versioned = f"{key}:{version_get(version_key)}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, timeout)
    return value
