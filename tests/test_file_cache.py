"""The embedded default's cache (dashboards/file_cache.py): Django's file cache format, but it looks at
its directory now and then rather than on every write, and culls expired entries before live ones."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from dashboards import file_cache
from dashboards.file_cache import FileCache


def files(folder: Path) -> int:
    return sum(1 for name in os.listdir(folder) if name.endswith(".djcache"))


def test_writes_do_not_list_the_directory_each_time(tmp_path, monkeypatch):
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 1000}})
    listed = 0
    real = cache._list_cache_files

    def counted() -> list[str]:
        nonlocal listed
        listed += 1
        return real()

    monkeypatch.setattr(cache, "_list_cache_files", counted)
    for i in range(300):
        cache.set(f"k{i}", i, 60)
        assert cache.add(f"lock{i}", "token", 5)  # the warehouse client's single-flight lock is an add
    # Django's file cache lists the directory on all 600 writes; this one on the first and then after
    # each 100 of its own (a tenth of MAX_ENTRIES) within CULL_SECONDS.
    assert listed <= 600 // 100 + 1
    assert [cache.get(f"k{i}") for i in range(300)] == list(range(300))


def test_the_directory_stays_near_max_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "CULL_SECONDS", 0.0)  # look on every write, as a long run would
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    for i in range(400):
        cache.set(f"k{i}", i, 60)
        assert files(tmp_path) <= 50 + 1
    assert cache.get("k399") == 399


def test_expired_entries_are_culled_before_live_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "CULL_SECONDS", 0.0)
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30}})
    for i in range(25):
        cache.set(f"old{i}", i, 1)  # the entries of an older data version: never read again
    time.sleep(1.1)
    for i in range(20):
        cache.set(f"live{i}", i, 3600)
    # The cull at 30 files removed the 25 expired ones and kept every live one; Django's would have
    # removed a random third of all of them, live ones as likely as expired ones.
    assert [cache.get(f"live{i}") for i in range(20)] == list(range(20))
    assert files(tmp_path) == 20


def test_it_reads_and_writes_djangos_own_file_format(tmp_path):
    FileBasedCache(str(tmp_path), {}).set("shared", {"a": 1}, 60)
    assert FileCache(str(tmp_path), {}).get("shared") == {"a": 1}
    FileCache(str(tmp_path), {}).set("back", [2], 60)
    assert FileBasedCache(str(tmp_path), {}).get("back") == [2]


@pytest.mark.parametrize("frequency", [0])
def test_cull_frequency_zero_empties_the_cache_as_djangos_does(tmp_path, monkeypatch, frequency):
    monkeypatch.setattr(file_cache, "CULL_SECONDS", 0.0)
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": frequency}})
    for i in range(10):
        cache.set(f"k{i}", i, 60)
    cache.set("next", 1, 60)  # 10 files at this write's look: everything goes, then it is written
    assert files(tmp_path) == 1 and cache.get("next") == 1
