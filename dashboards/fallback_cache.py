"""A Redis cache that keeps working when Redis does not answer: each call that fails goes to a local
in-memory cache of this process instead, and Redis is tried again after RETRY_SECONDS.

So with Redis down, sign-in's rate limiter (django-allauth takes a lock with ``cache.add``) still
counts attempts, per process, instead of refusing everyone with 429; chart results are cached per
process; nothing waits on a dead server more than the socket timeouts once per RETRY_SECONDS.
`primary_error()` tells /healthz whether Redis itself answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache

logger = logging.getLogger("dashboards.cache")

RETRY_SECONDS = 5.0
_METHODS = (
    "add", "get", "set", "touch", "delete", "get_many", "set_many", "delete_many", "has_key",
    "incr", "decr", "clear", "get_or_set",
)  # fmt: skip


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        options["IGNORE_EXCEPTIONS"] = False  # this class decides what a failure does
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 2000}})
        self._down_until = 0.0
        self._state = threading.Lock()

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except Exception as exc:
                with self._state:
                    first = time.monotonic() >= self._down_until
                    self._down_until = time.monotonic() + RETRY_SECONDS
                if first:
                    logger.warning(
                        "Redis cache unavailable (%s: %s); using this process's memory for %.0f s",
                        type(exc).__name__,
                        str(exc).splitlines()[0] if str(exc) else "",
                        RETRY_SECONDS,
                    )
        return getattr(self._fallback, name)(*args, **kwargs)

    def degraded(self) -> bool:
        """True while calls go to this process's memory (Redis failed less than RETRY_SECONDS ago)."""
        return time.monotonic() < self._down_until

    def primary_error(self) -> str | None:
        """None when Redis answers a PING now, else why not."""
        try:
            self.client.get_client(write=True).ping()
        except Exception as exc:
            return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return None


def _delegate(name: str) -> Callable[..., Any]:
    def method(self: FallbackRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _METHODS:
    setattr(FallbackRedisCache, _name, _delegate(_name))
