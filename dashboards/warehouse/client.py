"""The warehouse client: the one module the portal calls to run compiled SQL (DESIGN.md, chart step 5).

    result = client.run(query, user_tag=viewer.query_tag, snowflake_role=viewer.snowflake_role)

- `run` caches results in ``caches["default"]`` for ``WAREHOUSE_CACHE_SECONDS`` under a hash of the backend,
  the warehouse's data version, the SQL, the typed parameters and the Snowflake role; a rebuild or a refresh
  of the warehouse changes the data version and so invalidates by itself. One caller computes a missing
  entry (a lock taken with ``cache.add``) while the others wait for it. A cache that is down degrades to
  uncached queries; it never fails a request.
- `run_uncached` runs on the backend named by ``WAREHOUSE_BACKEND`` ("duckdb" or "snowflake"), read at
  every call. Every statement is logged (logger ``dashboards.warehouse``): backend, milliseconds, rows and a
  short hash of the SQL. A failure is logged and raised as `WarehouseError`, whose message is fit to show
  a user (no SQL, no stack); `WarehouseUnavailable` when the warehouse cannot be reached at all.
- `data_version`, `as_of`, `health`, and `reset` (drop connections and memos: tests, after a rebuild).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from . import duckdb_backend, snowflake_backend
from .errors import WarehouseError, WarehouseUnavailable
from .result import CompiledQuery, Result

logger = logging.getLogger("dashboards.warehouse")

BACKENDS: dict[str, ModuleType] = {
    duckdb_backend.NAME: duckdb_backend,
    snowflake_backend.NAME: snowflake_backend,
}

KEY_PREFIX = "wh1"  # bump when the cached value's shape changes
SYSTEM_TAG = "portal:system"
AS_OF_SQL = "SELECT MAX(INTERACTION_TS)::DATE FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS"
# MAX(LAST_ALTERED) moves with every DML and DDL in Snowflake. fakesnow reports a constant LAST_ALTERED,
# so the row counts and the number of tables are added: they move with any reload on the emulator too.
SNOWFLAKE_VERSION_SQL = (
    "SELECT MAX(LAST_ALTERED), SUM(ROW_COUNT), COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
    "WHERE TABLE_SCHEMA = 'ANALYTICS'"
)
BUILD_HINT = (
    "The demo warehouse has not been built yet. Run `make run`, or `python manage.py build_warehouse`, "
    "then reload this page."
)
CACHE_RETRY_SECONDS = 5.0  # after the cache fails, skip it for this long instead of waiting on it per call
MAX_WAIT_SECONDS = 30.0  # the longest a caller waits for another one to compute the same entry
ERROR_SECONDS = 10  # how long a computing caller's failure stays visible to the callers waiting on it


# --- Backends and statements --------------------------------------------------------------------------


def backend_name() -> str:
    name = str(settings.WAREHOUSE_BACKEND)
    if name not in BACKENDS:
        raise ImproperlyConfigured(f"WAREHOUSE_BACKEND must be one of {sorted(BACKENDS)}, not {name!r}")
    return name


def _target(backend: str) -> str:
    """Which warehouse the backend points at, so that memos and cache keys never mix two of them."""
    if backend == duckdb_backend.NAME:
        return str(settings.WAREHOUSE_PATH)
    cfg = settings.SNOWFLAKE
    return f"{cfg.get('account')}@{cfg.get('host') or ''}:{cfg.get('port') or ''}/{cfg.get('database')}"


def sql_hash(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()[:12]


def _user_error(exc: BaseException, backend: str, ref: str) -> WarehouseError:
    if isinstance(exc, WarehouseError):
        return exc
    if isinstance(exc, FileNotFoundError) and backend == duckdb_backend.NAME:
        return WarehouseUnavailable(BUILD_HINT)
    if isinstance(exc, ConnectionError):
        return WarehouseUnavailable(
            "The warehouse cannot be reached right now. Please try again in a few minutes; "
            f"if it persists, tell an administrator (reference {ref})."
        )
    if isinstance(exc, TimeoutError):
        return WarehouseError(
            f"The query took too long and was stopped. Try a shorter date range or fewer filters (reference {ref})."
        )
    return WarehouseError(
        "The warehouse could not run this query. Please try again; "
        f"if it keeps failing, tell an administrator (reference {ref})."
    )


def _execute(backend: str, sql: str, params: Sequence[Any], *, user_tag: str, role: str | None) -> Result:
    ref = sql_hash(sql)
    started = time.perf_counter()
    try:
        version = ""
        if backend == snowflake_backend.NAME:
            columns, rows = snowflake_backend.execute(sql, params, role=role, user_tag=user_tag)
        else:
            columns, rows = BACKENDS[backend].execute(sql, params)
            version = duckdb_backend.last_version()
    except Exception as exc:
        ms = (time.perf_counter() - started) * 1000
        error = _user_error(exc, backend, ref)
        logger.error(
            "warehouse statement failed backend=%s ms=%.1f sql=%s user=%s role=%s error=%s: %s",
            backend,
            ms,
            ref,
            user_tag,
            role or "-",
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            exc_info=not isinstance(error, WarehouseUnavailable),
        )
        raise error from exc
    ms = (time.perf_counter() - started) * 1000
    logger.info(
        "warehouse statement backend=%s ms=%.1f rows=%d sql=%s user=%s role=%s",
        backend,
        ms,
        len(rows),
        ref,
        user_tag,
        role or "-",
    )
    logger.debug("warehouse sql %s: %s", ref, sql)
    return Result(columns=tuple(columns), rows=tuple(tuple(row) for row in rows), version=version)


def run_uncached(query: CompiledQuery, *, user_tag: str, snowflake_role: str | None = None) -> Result:
    """Run `query` on the configured backend, without the cache."""
    return _execute(backend_name(), query.sql, query.params, user_tag=user_tag, role=snowflake_role)


# --- Data version and as-of date ----------------------------------------------------------------------

_memo_lock = threading.Lock()
_version_memo: tuple[tuple[str, str], float, str] | None = None  # ((backend, target), checked at, version)
_as_of_memo: tuple[tuple[str, str], str, datetime.date] | None = None  # ((backend, target), version, as of)


def _read_version(backend: str) -> str:
    if backend == duckdb_backend.NAME:
        try:
            return duckdb_backend.version_of(duckdb_backend.file_signature())
        except FileNotFoundError as exc:
            logger.error("warehouse file missing: %s", settings.WAREHOUSE_PATH)
            raise WarehouseUnavailable(BUILD_HINT) from exc
    try:
        result = _execute(backend, SNOWFLAKE_VERSION_SQL, (), user_tag=SYSTEM_TAG, role=None)
    except WarehouseUnavailable:
        raise
    except WarehouseError:
        # Without a readable INFORMATION_SCHEMA, fall back to a version that turns over with the cache
        # lifetime: results stay cached, and are never staler than without a version at all.
        bucket = int(time.time() // max(1, settings.WAREHOUSE_CACHE_SECONDS))
        logger.warning("warehouse data version unreadable; using time bucket %s", bucket)
        return f"snowflake:ttl:{bucket}"
    return "snowflake:" + repr(result.rows[0] if result.rows else ())


def data_version() -> str:
    """The warehouse's data version.

    DuckDB: the file's device, inode, size and mtime (a rebuild replaces the file), read at every call.
    Snowflake, read at most once per ``WAREHOUSE_VERSION_CHECK_SECONDS`` per process: the latest
    ``LAST_ALTERED`` of the ANALYTICS tables (with their row counts). Raises `WarehouseUnavailable`.
    """
    global _version_memo
    backend = backend_name()
    if backend == duckdb_backend.NAME:
        # A stat costs microseconds, and DuckDB reads a replaced file at once: never a stale version.
        return _read_version(backend)
    key = (backend, _target(backend))
    memo = _version_memo
    if (
        memo is not None
        and memo[0] == key
        and time.monotonic() - memo[1] < settings.WAREHOUSE_VERSION_CHECK_SECONDS
    ):
        return memo[2]
    with _memo_lock:  # one reader per process; the others wait for its answer
        memo = _version_memo
        now = time.monotonic()
        if memo is not None and memo[0] == key and now - memo[1] < settings.WAREHOUSE_VERSION_CHECK_SECONDS:
            return memo[2]
        version = _read_version(backend)
        _version_memo = (key, now, version)
        return version


def as_of() -> datetime.date:
    """The latest date with data (the last interaction), memoised with the data version."""
    global _as_of_memo
    version = data_version()
    backend = backend_name()
    key = (backend, _target(backend))
    memo = _as_of_memo
    if memo is not None and memo[0] == key and memo[1] == version:
        return memo[2]
    result = _execute(backend, AS_OF_SQL, (), user_tag=SYSTEM_TAG, role=None)
    value = result.rows[0][0] if result.rows else None
    if value is None:
        raise WarehouseError("The warehouse holds no customer interactions yet, so there is nothing to show.")
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not isinstance(day, datetime.date):
        raise WarehouseError("The warehouse returned no valid latest date for its interactions.")
    _as_of_memo = (key, version, day)
    return day


def health() -> dict[str, Any]:
    """``{"ok", "backend", "as_of", "error"}`` for /healthz. Never raises."""
    backend = str(getattr(settings, "WAREHOUSE_BACKEND", ""))
    try:
        day = as_of()
    except WarehouseError as exc:
        return {"ok": False, "backend": backend, "as_of": None, "error": str(exc)}
    except Exception as exc:
        logger.exception("warehouse health check failed")
        return {"ok": False, "backend": backend, "as_of": None, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "backend": backend, "as_of": day.isoformat(), "error": None}


# --- The result cache -----------------------------------------------------------------------------------

_cache_down_until = 0.0


class _CacheDown(Exception):
    pass


def _cache_call(method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a method of caches["default"]; raise _CacheDown when the cache fails or is known to be down."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        raise _CacheDown
    try:
        return getattr(caches["default"], method)(*args, **kwargs)
    except Exception as exc:
        _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
        logger.warning("warehouse cache unavailable (%s: %s); running uncached", type(exc).__name__, exc)
        raise _CacheDown from exc


def _mark_cache_down(reason: str) -> None:
    global _cache_down_until
    _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
    logger.warning("warehouse cache unavailable (%s); running uncached", reason)


def cache_key(
    backend: str, target: str, version: str, sql: str, params: Sequence[Any], role: str | None
) -> str:
    typed = tuple((type(p).__module__, type(p).__qualname__, repr(p)) for p in params)
    material = repr((backend, target, version, sql, typed, role or ""))
    return f"{KEY_PREFIX}:{hashlib.sha256(material.encode()).hexdigest()}"


LOCK_SECONDS = 5  # a lock's lifetime; its live holder renews it every LOCK_SECONDS / 3 while computing


def result_key(query: CompiledQuery, *, snowflake_role: str | None = None) -> str:
    """The key `run` keeps `query`'s result under now, for caches derived from that result (fragments)."""
    backend = backend_name()
    return cache_key(backend, _target(backend), data_version(), query.sql, query.params, snowflake_role)


def prepare(query: CompiledQuery) -> None:
    """Do what running `query` needs before the warehouse: on DuckDB, translate it (kept per process)."""
    if backend_name() == "duckdb":
        duckdb_backend.transpile(query.sql)


def _lock_timeout() -> int:
    """A dead holder's lock (its process was killed) holds the others back at most this long."""
    return LOCK_SECONDS


def _wait_limit() -> float:
    """The longest a caller waits for a live holder: its statement's own time limit, then some."""
    longest = max(snowflake_backend.statement_timeout(), duckdb_backend.statement_timeout())
    return min(MAX_WAIT_SECONDS, longest + LOCK_SECONDS)


class _LockRenewer:
    """Renews a held lock in the background while its holder computes; stop() when done."""

    def __init__(self, lock_key: str, token: str) -> None:
        self._done = threading.Event()
        self._lock_key, self._token = lock_key, token
        self._thread = threading.Thread(target=self._run, name="warehouse-lock", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(LOCK_SECONDS / 3):
            if _quietly("get", self._lock_key) != self._token:
                return
            _quietly("touch", self._lock_key, LOCK_SECONDS)

    def stop(self) -> None:
        self._done.set()


def run(query: CompiledQuery, *, user_tag: str, snowflake_role: str | None = None) -> Result:
    """Run `query`, cached; concurrent callers of the same missing entry share one computation.

    A result is stored only under the key of the data version it was computed from: when the DuckDB
    file was replaced between reading the version and running the statement, the result (of the new
    file) is returned but not stored under the old version's key."""
    backend = backend_name()
    try:
        version = data_version()
    except WarehouseUnavailable:
        raise
    except WarehouseError:
        return run_uncached(query, user_tag=user_tag, snowflake_role=snowflake_role)
    key = cache_key(backend, _target(backend), version, query.sql, query.params, snowflake_role)
    try:
        return _single_flight(key, query, user_tag=user_tag, role=snowflake_role, version=version)
    except _CacheDown:
        return run_uncached(query, user_tag=user_tag, snowflake_role=snowflake_role)


def _single_flight(
    key: str, query: CompiledQuery, *, user_tag: str, role: str | None, version: str = ""
) -> Result:
    lock_key = f"{key}:lock"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + _wait_limit()
    delay = 0.01
    holder: str | None = None  # the token of the caller we are waiting for
    while True:
        cached = _cache_call("get", key)
        if isinstance(cached, Result):
            logger.debug("warehouse cache hit %s", key)
            return cached
        if holder is not None:
            failure = _cache_call("get", f"{key}:error:{holder}")
            if failure is not None:
                kind, message = failure
                raise (WarehouseUnavailable if kind == "unavailable" else WarehouseError)(message)
        added = _cache_call("add", lock_key, token, _lock_timeout())
        if added is None:  # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down
            _mark_cache_down("the lock could not be taken")
            raise _CacheDown
        if added:
            return _compute(key, lock_key, token, query, user_tag=user_tag, role=role, version=version)
        if time.monotonic() >= deadline:
            logger.warning("warehouse cache: gave up waiting for %s; computing it here", key)
            return run_uncached(query, user_tag=user_tag, snowflake_role=role)
        holder = _cache_call("get", lock_key) or holder
        time.sleep(delay)
        delay = min(delay * 2, 0.05)  # a waiter oversleeps its result by at most 50 ms


def _compute(
    key: str,
    lock_key: str,
    token: str,
    query: CompiledQuery,
    *,
    user_tag: str,
    role: str | None,
    version: str = "",
) -> Result:
    renewer = _LockRenewer(lock_key, token)
    try:
        # The previous holder may have stored the entry and let go of the lock between our miss and our add.
        cached = _quietly("get", key)
        if isinstance(cached, Result):
            return cached
        try:
            result = run_uncached(query, user_tag=user_tag, snowflake_role=role)
        except WarehouseError as exc:
            kind = "unavailable" if isinstance(exc, WarehouseUnavailable) else "error"
            _quietly("set", f"{key}:error:{token}", (kind, str(exc)), ERROR_SECONDS)
            raise
        if result.version and version and result.version != version:
            logger.info(
                "warehouse changed while computing %s (%s -> %s); not cached", key, version, result.version
            )
        else:
            _quietly("set", key, result, settings.WAREHOUSE_CACHE_SECONDS)
        return result
    finally:  # after the result is stored, so a waiter never finds neither result nor lock
        renewer.stop()
        if _quietly("get", lock_key) == token:
            _quietly("delete", lock_key)


def _quietly(method: str, *args: Any) -> Any:
    try:
        return _cache_call(method, *args)
    except _CacheDown:
        return None


# --- Tests and rebuilds -------------------------------------------------------------------------------


def reset() -> None:
    """Drop every connection and memo (tests, and after a rebuild of the DuckDB file)."""
    global _version_memo, _as_of_memo, _cache_down_until
    duckdb_backend.reset()
    snowflake_backend.reset()
    with _memo_lock:
        _version_memo = None
        _as_of_memo = None
    _cache_down_until = 0.0
