"""The embedded default's cache (no REDIS_URL): Django's file cache, culled now and then instead of on
every write, expired entries first.

Django's FileBasedCache lists its whole directory on every `set` (so on every `add` too, which takes
the warehouse client's single-flight lock) to decide whether to cull. A portal that runs for days
keeps thousands of entries there: one warming run after a warehouse refresh writes about 600, and the
entries of older data versions are never read again, so they stay until culled. At 4,900 files a
write took 6.2 ms instead of 0.3 ms, about 12 ms of processor time for each cold query (its lock and
its result). And when Django culls, it removes a random third of the entries, live ones as likely as
expired ones.

This cache looks at the directory at most every CULL_SECONDS in a process, or after a tenth of
MAX_ENTRIES writes of its own, so the directory can outgrow MAX_ENTRIES by what is written meanwhile.
When it is over, expired entries go first; only if it is still over does a random third go, as in
Django.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import threading
import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 5.0


class FileCache(FileBasedCache):
    # Django's own listing (_list_cache_files), expiry check (_is_expired, which deletes an expired
    # file) and cull (_cull) do the work; django-stubs do not declare these private methods.

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._cull_every = max(1, self._max_entries // 10)
        self._writes = 0
        self._looked_at = -math.inf
        self._cull_lock = threading.Lock()

    def _cull(self) -> None:
        with self._cull_lock:
            self._writes += 1
            now = time.monotonic()
            if self._writes < self._cull_every and now - self._looked_at < CULL_SECONDS:
                return
            self._writes, self._looked_at = 0, now
        files = self._list_cache_files()  # type: ignore[attr-defined]
        if len(files) < self._max_entries:
            return
        for name in files:  # expired entries first
            # Removed meanwhile by another process, or still being written: skipped.
            with contextlib.suppress(OSError, EOFError, pickle.UnpicklingError), open(name, "rb") as f:
                self._is_expired(f)  # type: ignore[attr-defined]
        super()._cull()  # type: ignore[misc]  # still over: a random third (CULL_FREQUENCY 0: all)

    def clear(self) -> None:
        super().clear()
        with self._cull_lock:
            self._writes, self._looked_at = 0, -math.inf


__all__ = ["CULL_SECONDS", "FileCache"]
