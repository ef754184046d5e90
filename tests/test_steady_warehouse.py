"""The warehouse client under change and failure: results tied to the file version they came from, a
statement timeout on DuckDB, and single-flight locks that a killed holder does not keep for long.

The lock test uses real Redis, db 10.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboards.warehouse import client
from dashboards.warehouse.result import CompiledQuery
from tests.fixtures.celery_worker import REDIS_HOST, REPO_ROOT, flush_redis

LOCK_DB = 10
SUM = CompiledQuery("SELECT SUM(N) AS TOTAL FROM ANALYTICS.T")


def write_warehouse(path: Path, values: list[int]) -> Path:
    """A warehouse of one table, written beside `path` and moved into place atomically, as a rebuild is."""
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
    conn = duckdb.connect(str(tmp))
    conn.execute("CREATE SCHEMA ANALYTICS; CREATE TABLE ANALYTICS.T (N INTEGER)")
    conn.executemany("INSERT INTO ANALYTICS.T VALUES (?)", [[v] for v in values])
    conn.close()
    os.replace(tmp, path)
    return path


def total_in(path: Path) -> int:
    """The expected answer, read straight from the file."""
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return int(conn.execute("SELECT SUM(N) FROM ANALYTICS.T").fetchone()[0])  # type: ignore[index]
    finally:
        conn.close()


@pytest.fixture
def versions(settings: Any, tmp_path: Path) -> Iterator[dict[str, Path]]:
    live = tmp_path / "warehouse.duckdb"
    a = write_warehouse(tmp_path / "a.duckdb", [1, 2, 3, 4])
    b = write_warehouse(tmp_path / "b.duckdb", [10, 20, 30])
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_PATH = live
    settings.WAREHOUSE_VERSION_CHECK_SECONDS = 60
    client.reset()
    yield {"live": live, "a": a, "b": b}
    client.reset()


def _total() -> int:
    return int(client.run(SUM, user_tag="test").rows[0][0])


def test_a_replaced_file_is_answered_at_once_and_a_rollback_never_serves_the_new_files_numbers(
    versions: dict[str, Path], tmp_path: Path
) -> None:
    live, a, b = versions["live"], versions["a"], versions["b"]
    expected_a, expected_b = total_in(a), total_in(b)
    keep_a = tmp_path / "a-kept.duckdb"
    os.link(a, keep_a)  # the same inode and mtime: a rollback restores exactly A's version
    os.replace(a, live)
    assert _total() == expected_a
    assert _total() == expected_a  # cached now
    os.replace(b, live)
    assert _total() == expected_b  # not A's cached answer, though the version check interval is 60 s
    os.replace(keep_a, live)
    assert _total() == expected_a


def test_a_result_computed_from_a_newer_file_is_not_stored_under_the_older_version(
    versions: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    live, a, b = versions["live"], versions["a"], versions["b"]
    os.replace(a, live)
    version_a = client.data_version()
    os.replace(b, live)
    # The race: the version is read (A), then the file is replaced (B) before the statement runs.
    monkeypatch.setattr(client, "data_version", lambda: version_a)
    result = client.run(SUM, user_tag="test")
    assert result.rows[0][0] == total_in(live)  # B's numbers, computed from B
    assert result.version != version_a
    from django.core.cache import caches

    key = client.cache_key("duckdb", str(live), version_a, SUM.sql, SUM.params, None)
    assert caches["default"].get(key) is None


def test_a_duckdb_statement_longer_than_the_timeout_is_interrupted_with_a_clear_error(
    versions: dict[str, Path], settings: Any
) -> None:
    os.replace(versions["a"], versions["live"])
    settings.WAREHOUSE_STATEMENT_TIMEOUT = 0.5
    slow = CompiledQuery(
        "SELECT COUNT(*) FROM ANALYTICS.T A, ANALYTICS.T B, RANGE(2000000000) R WHERE A.N + R.RANGE > B.N"
    )
    with pytest.raises(client.WarehouseError, match="took too long"):
        client.run_uncached(slow, user_tag="test")
    assert _total() == total_in(versions["live"])  # the connection still answers afterwards


# --- A killed holder of a single-flight lock ------------------------------------------------------------------

HOLDER = """
import os, sys, time, django
django.setup()
from dashboards.warehouse import client, duckdb_backend
from dashboards.warehouse.result import CompiledQuery
original = duckdb_backend.execute
def slow(sql, params):
    print("computing", flush=True)
    time.sleep(120)
    return original(sql, params)
duckdb_backend.execute = slow
client.run(CompiledQuery(sys.argv[1]), user_tag="holder")
"""


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[str]:
    url = f"{REDIS_HOST}/{LOCK_DB}"
    flush_redis(LOCK_DB)
    settings.CACHES = {
        "default": {
            "BACKEND": "dashboards.fallback_cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2},
        }
    }
    yield url
    flush_redis(LOCK_DB)


def test_a_lock_left_by_a_killed_holder_delays_the_others_a_few_seconds_not_thirty(
    versions: dict[str, Path], redis_cache: str
) -> None:
    live = versions["live"]
    os.replace(versions["a"], live)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": redis_cache,
        "WAREHOUSE_PATH": str(live),
        "VAR_DIR": str(live.parent),
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, SUM.sql], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "computing"
        import redis

        assert any(str(k).endswith(":lock'") for k in redis.Redis.from_url(redis_cache).keys("*"))
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    started = time.monotonic()
    assert _total() == total_in(live)
    waited = time.monotonic() - started
    assert waited < client.LOCK_SECONDS + 5, f"waited {waited:.1f} s for a dead holder"
