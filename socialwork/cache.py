"""A Redis cache that a stopped Redis slows down but never breaks.

The cache only saves work: every page computes what it needs when the cache has nothing. So while
Redis is down a read finds nothing and a write keeps nothing, each logged as a warning, and
/healthz/ (which checks that what was stored comes back) names the cache as down.
"""

import functools
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)


def _or_when_down(fallback):
    """Run the cache operation; if Redis cannot be reached, log it and return `fallback`."""

    def decorate(operation):
        @functools.wraps(operation)
        def tolerant(self, *args, **kwargs):
            try:
                return operation(self, *args, **kwargs)
            except (ConnectionError, TimeoutError) as error:
                logger.warning("cache %s skipped, Redis is unreachable: %s", operation.__name__, error)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return tolerant

    return decorate


class TolerantRedisCache(RedisCache):
    @_or_when_down(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_or_when_down(dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_or_when_down(False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_or_when_down(False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_or_when_down(None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_or_when_down(lambda data, timeout=None, version=None: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_or_when_down(False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_or_when_down(False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_or_when_down(None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)
