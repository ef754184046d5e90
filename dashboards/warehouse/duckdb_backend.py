"""The embedded warehouse: a local DuckDB file, opened read-only, running Snowflake SQL transpiled by sqlglot.

Only `dashboards.warehouse.client` calls this module. It raises plain exceptions, which the client turns
into messages fit for a user: `FileNotFoundError` when the file does not exist, `ConnectionError` when it
cannot be opened, anything else when a statement fails.

Connections. Each generation of the file (its device, inode, size and mtime) gets its own in-memory DuckDB
instance with the file ATTACHed read-only; each thread runs on its own cursor of the current instance. A
rebuild replaces the file atomically, so the next statement sees a new signature, opens a new instance,
and every thread moves to it at its next statement while a statement already running on the old one
finishes undisturbed. (Plain ``duckdb.connect(path, read_only=True)`` would not do: DuckDB caches one
instance per path and process, and hands back the stale one while any cursor on it is still open.)
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from django.conf import settings

NAME = "duckdb"
CATALOG = "warehouse"

Signature = tuple[int, int, int, int]


@lru_cache(maxsize=1024)
def transpile(sql: str) -> str:
    """Snowflake SQL -> DuckDB SQL, cached by the SQL text. Placeholders ``:N`` become ``$N``."""
    statements = [s for s in sqlglot.transpile(sql, read="snowflake", write="duckdb") if s.strip()]
    if len(statements) != 1:
        raise ValueError(f"expected one SQL statement, got {len(statements)}")
    return statements[0]


def warehouse_path() -> Path:
    return Path(settings.WAREHOUSE_PATH)


def file_signature(path: Path | None = None) -> Signature:
    """(device, inode, size, mtime_ns) of the warehouse file; raises FileNotFoundError when it is missing."""
    st = os.stat(path or warehouse_path())
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _memory_limit() -> str:
    configured = getattr(settings, "WAREHOUSE_DUCKDB_MEMORY_LIMIT", "")
    if configured:
        return str(configured)
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return "1GB"
    # Several web and worker processes each open the file: a quarter of the RAM, between 256 MB and 2 GB.
    return f"{max(256, min(2048, total_mb // 4))}MB"


@dataclass(frozen=True, eq=False)
class _Generation:
    path: Path
    signature: Signature
    conn: duckdb.DuckDBPyConnection


_lock = threading.Lock()
_current: _Generation | None = None
_local = threading.local()


def _open(path: Path) -> tuple[duckdb.DuckDBPyConnection, Signature]:
    """A new instance with the file attached, and the signature of exactly the file attached.

    The file is opened first and attached through /proc/self/fd, so the signature (fstat of that
    descriptor) is the one of the inode DuckDB reads, even if the path is replaced meanwhile."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConnectionError(f"the DuckDB warehouse {path} cannot be opened: {exc}") from exc
    try:
        st = os.fstat(fd)
        signature = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        source = Path(f"/proc/self/fd/{fd}")
        return _attach(source if source.exists() else path), signature
    finally:
        os.close(fd)


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    config: dict[str, Any] = {
        "threads": int(getattr(settings, "WAREHOUSE_DUCKDB_THREADS", 2)),
        "memory_limit": _memory_limit(),
        # sqlglot still writes the single-arrow lambdas (x -> x + 1) that DuckDB 2.0 disables by default.
        "lambda_syntax": "ENABLE_SINGLE_ARROW",
    }
    conn = duckdb.connect(":memory:", config=config)
    try:
        quoted = str(path).replace("'", "''")
        conn.execute(f"ATTACH '{quoted}' AS {CATALOG} (READ_ONLY)")
        conn.execute(f"USE {CATALOG}")
        # Defence in depth: the SQL that runs here can read the attached warehouse and nothing else.
        conn.execute("SET enable_external_access = false")
        conn.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        conn.close()
        raise ConnectionError(f"the DuckDB warehouse {path} cannot be opened: {exc}") from exc
    return conn


def _generation() -> _Generation:
    global _current
    path = warehouse_path()
    # Stat before opening: if the file is replaced in between, the next statement sees a newer signature
    # than the one recorded here and reopens, rather than trusting a stale file forever.
    signature = file_signature(path)
    gen = _current
    if gen is not None and gen.path == path and gen.signature == signature:
        return gen
    with _lock:
        gen = _current
        if gen is None or gen.path != path or gen.signature != signature:
            conn, opened = _open(path)
            gen = _Generation(path, opened, conn)
            _current = gen
    return gen


def _cursor() -> duckdb.DuckDBPyConnection:
    gen = _generation()
    state: tuple[_Generation, duckdb.DuckDBPyConnection] | None = getattr(_local, "state", None)
    if state is not None and state[0] is gen:
        return state[1]
    if state is not None:
        _close_quietly(state[1])
    cursor = gen.conn.cursor()
    cursor.execute(f"USE {CATALOG}")  # a cursor starts in the in-memory catalog
    # The thread keeps its generation alive (and so the old instance) until it moves to the new one.
    _local.state = (gen, cursor)
    return cursor


def _close_quietly(conn: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        conn.close()


def _integral_decimal(type_: Any) -> bool:
    name = str(type_)
    return name.startswith("DECIMAL(") and name.endswith(",0)")


def version_of(signature: Signature) -> str:
    """The data version of a file signature, as the client keys its cache with."""
    return "duckdb:" + ":".join(str(part) for part in signature)


def last_version() -> str:
    """The data version of the file the calling thread's last statement ran on ("" if none)."""
    return str(getattr(_local, "version", ""))


def statement_timeout() -> float:
    return float(getattr(settings, "WAREHOUSE_STATEMENT_TIMEOUT", 30) or 0)


def execute(sql: str, params: Sequence[Any]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Run one Snowflake-dialect statement; return upper-case column names and rows of Python values.

    A statement still running after WAREHOUSE_STATEMENT_TIMEOUT seconds is interrupted (TimeoutError).
    `last_version()` then names the file version it ran on."""
    cursor = _cursor()
    _local.version = version_of(_local.state[0].signature)
    timeout = statement_timeout()
    timer = threading.Timer(timeout, cursor.interrupt) if timeout > 0 else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        cursor.execute(transpile(sql), list(params))
        description = cursor.description or []
        columns = tuple(str(d[0]).upper() for d in description)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    except duckdb.InterruptException as exc:
        raise TimeoutError(f"the statement ran longer than {timeout:g} s and was interrupted") from exc
    finally:
        if timer is not None:
            timer.cancel()
    # Snowflake returns NUMBER(p, 0) as int; DuckDB returns DECIMAL(p, 0) as Decimal. Match Snowflake.
    integral = {i for i, d in enumerate(description) if _integral_decimal(d[1])}
    if integral and rows:
        rows = [
            tuple(int(v) if i in integral and v is not None else v for i, v in enumerate(row)) for row in rows
        ]
    return columns, rows


def reset() -> None:
    """Close the current instance and forget this thread's cursor; the next statement reopens the file."""
    global _current
    with _lock:
        gen, _current = _current, None
    state = getattr(_local, "state", None)
    _local.state = None
    if state is not None:
        _close_quietly(state[1])
    if gen is not None:
        _close_quietly(gen.conn)
    transpile.cache_clear()
