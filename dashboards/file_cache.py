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
import os
import pickle
import random
import threading
import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 5.0


class FileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._folder = os.path.abspath(dir)
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
        if len(self._files()) < self._max_entries:
            return
        self._remove_expired()
        files = self._files()
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:  # as Django: CULL_FREQUENCY 0 empties the cache
            self.clear()
            return
        for name in random.sample(files, len(files) // self._cull_frequency):
            self._remove(name)

    def _files(self) -> list[str]:
        try:
            names = os.listdir(self._folder)
        except FileNotFoundError:
            return []
        return [os.path.join(self._folder, n) for n in names if n.endswith(self.cache_suffix)]

    def _remove_expired(self) -> None:
        now = time.time()
        for name in self._files():
            try:
                with open(name, "rb") as f:
                    expiry = pickle.load(f)  # Django's file format: the expiry time comes first
            except (OSError, EOFError, pickle.UnpicklingError):
                continue  # removed meanwhile by another process, or still being written
            if expiry is not None and expiry < now:
                self._remove(name)

    @staticmethod
    def _remove(name: str) -> None:
        with contextlib.suppress(FileNotFoundError):  # another process removed it first
            os.remove(name)

    def clear(self) -> None:
        super().clear()
        with self._cull_lock:
            self._writes, self._looked_at = 0, -math.inf


__all__ = ["CULL_SECONDS", "FileCache"]
