"""The warehouse client on both backends: DuckDB on a tiny file, Snowflake through the real connector on fakesnow.

Tests that need Redis use the real one at redis://127.0.0.1:6379/15 and fail (never skip) without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import redis
import snowflake.connector
from django.core.cache.backends.base import BaseCache
from snowflake.connector import SnowflakeConnection

from dashboards.warehouse import client, duckdb_backend, snowflake_backend
from dashboards.warehouse.client import WarehouseError, WarehouseUnavailable
from dashboards.warehouse.result import CompiledQuery, Result
from tests.fixtures.snowflake import LoadReport, close_connection, load_duckdb_into_fakesnow, use_fakesnow

REDIS_URL = "redis://127.0.0.1:6379/15"
TAG = "portal:user=ana.analyst"
HOSTILE = "x' OR 1=1 --"
AS_OF = dt.date(2026, 3, 31)

TINY_SQL = """
CREATE SCHEMA ANALYTICS;
CREATE TABLE ANALYTICS.CUSTOMER_BASE (
    CUSTOMER_ID VARCHAR, REGION VARCHAR, SIGNUP_DATE DATE, LIFETIME_VALUE DECIMAL(12, 2),
    TOTAL_ORDERS DECIMAL(38, 0), IS_ACTIVE BOOLEAN
);
INSERT INTO ANALYTICS.CUSTOMER_BASE VALUES
    ('C0000001', 'EMEA', DATE '2024-02-01', 1250.50, 12, TRUE),
    ('C0000002', 'NA', DATE '2024-05-17', 99.99, 1, TRUE),
    ('C0000003', 'APAC', DATE '2025-01-09', 100.50, 3, FALSE),
    ('C0000004', 'LATAM', DATE '2025-08-30', 0.00, 0, TRUE),
    ('C0000005', 'EMEA', DATE '2025-11-11', 5030.25, 40, TRUE);
CREATE TABLE ANALYTICS.FACT_CUSTOMER_INTERACTIONS (
    INTERACTION_ID VARCHAR, CUSTOMER_ID VARCHAR, INTERACTION_TS TIMESTAMP, CHANNEL VARCHAR,
    SENTIMENT_SCORE DOUBLE
);
INSERT INTO ANALYTICS.FACT_CUSTOMER_INTERACTIONS VALUES
    ('I01', 'C0000001', TIMESTAMP '2026-02-27 09:15:00', 'web', 0.5),
    ('I02', 'C0000001', TIMESTAMP '2026-03-01 00:00:00', 'phone', -0.25),
    ('I03', 'C0000002', TIMESTAMP '2026-03-02 13:45:30.250', 'web', 0.75),
    ('I04', 'C0000003', TIMESTAMP '2026-03-15 08:00:00', 'email', NULL),
    ('I05', 'C0000004', TIMESTAMP '2026-03-20 17:30:00', 'web', -1.0),
    ('I06', 'C0000005', TIMESTAMP '2026-03-31 10:00:00', 'store', 1.0);
CREATE TABLE ANALYTICS.FACT_SUPPORT_TICKETS (
    TICKET_ID VARCHAR, CUSTOMER_ID VARCHAR, CREATED_AT TIMESTAMP, RESOLVED_AT TIMESTAMP,
    PRIORITY_LEVEL VARCHAR, CSAT_SCORE INTEGER
);
INSERT INTO ANALYTICS.FACT_SUPPORT_TICKETS VALUES
    ('K1', 'C0000001', TIMESTAMP '2026-03-01 10:00:00', TIMESTAMP '2026-03-01 12:30:00', 'High', 4),
    ('K2', 'C0000002', TIMESTAMP '2026-03-05 11:00:00', NULL, 'Urgent', NULL),
    ('K3', 'C0000005', TIMESTAMP '2026-03-30 09:00:00', TIMESTAMP '2026-03-31 09:00:00', 'Low', 5);
"""


def build_tiny_warehouse(path: Path, *, extra_interactions: int = 0) -> Path:
    """Write the tiny warehouse next to `path`, then move it into place atomically, as a rebuild does."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    conn = duckdb.connect(str(tmp))
    try:
        conn.execute(TINY_SQL)
        for n in range(extra_interactions):
            conn.execute(
                "INSERT INTO ANALYTICS.FACT_CUSTOMER_INTERACTIONS VALUES (?, 'C0000001', ?, 'social', 0.0)",
                [f"X{n}", dt.datetime(2026, 3, 31, 12, 0) + dt.timedelta(days=n + 1)],
            )
    finally:
        conn.close()
    os.replace(tmp, path)
    return path


def snowflake_config(**overrides: Any) -> dict[str, Any]:
    """A settings.SNOWFLAKE for a made-up account: nothing set but what the test says."""
    base = {
        "account": "example-account",
        "user": "PORTAL",
        "password": "",
        "private_key_file": "",
        "private_key_passphrase": "",
        "oauth_token": "",
        "role": "",
        "warehouse": "",
        "database": "",
        "schema": "ANALYTICS",
        "host": "",
        "port": 0,
        "protocol": "",
        "statement_timeout_seconds": 60,
    }
    return base | overrides


def q(sql: str, *params: Any) -> CompiledQuery:
    return CompiledQuery(sql=sql, params=params)


def types_of(result: Result) -> list[list[type]]:
    return [[type(v) for v in row] for row in result.rows]


# --- Fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_warehouse(tmp_path_factory.mktemp("tiny") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def tiny_fakesnow(fakesnow_server: dict[str, Any], tiny_path: Path) -> LoadReport:
    return load_duckdb_into_fakesnow(tiny_path, fakesnow_server, database="CLIENT_TESTS")


@pytest.fixture
def duck(settings: Any, tiny_path: Path) -> Iterator[Any]:
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_PATH = tiny_path
    client.reset()
    yield settings
    client.reset()


@pytest.fixture
def snow(settings: Any, fakesnow_server: dict[str, Any], tiny_fakesnow: LoadReport) -> Iterator[Any]:
    use_fakesnow(settings, fakesnow_server, database=tiny_fakesnow.database)
    yield settings
    client.reset()


@pytest.fixture
def own_warehouse(duck: Any, tmp_path: Path) -> Path:
    """A tiny warehouse file of this test's own, free to rebuild or delete."""
    path = build_tiny_warehouse(tmp_path / "warehouse.duckdb")
    duck.WAREHOUSE_PATH = path
    client.reset()
    return path


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement a backend really runs (the SQL), in order."""
    calls: list[str] = []
    lock = threading.Lock()

    def counting(original: Callable[..., Any]) -> Callable[..., Any]:
        def execute(sql: str, *args: Any, **kwargs: Any) -> Any:
            with lock:
                calls.append(sql)
            return original(sql, *args, **kwargs)

        return execute

    monkeypatch.setattr(duckdb_backend, "execute", counting(duckdb_backend.execute))
    monkeypatch.setattr(snowflake_backend, "execute", counting(snowflake_backend.execute))
    return calls


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[str]:
    """The real Redis (db 15) as the default cache, under a key prefix of this test's own."""
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        server.ping()
    except redis.RedisError as exc:
        pytest.fail(f"these tests need the real Redis at {REDIS_URL} (start redis-server): {exc}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2},
        }
    }
    client.reset()
    yield prefix
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)
    server.close()


class ExplodingCache(BaseCache):
    """A cache whose every operation raises, like a misconfigured backend."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache exploded")

    add = set = delete = get


CUSTOMERS_SQL = (
    "SELECT c.CUSTOMER_ID, c.REGION, c.SIGNUP_DATE, c.LIFETIME_VALUE, c.TOTAL_ORDERS, c.IS_ACTIVE "
    "FROM ANALYTICS.CUSTOMER_BASE c WHERE c.REGION = :1 ORDER BY c.CUSTOMER_ID"
)


# --- DuckDB ---------------------------------------------------------------------------------------------------


def test_duckdb_returns_upper_case_columns_and_python_typed_values(duck: Any) -> None:
    result = client.run_uncached(
        q(
            "SELECT c.customer_id AS customer, c.SIGNUP_DATE, c.lifetime_value, c.TOTAL_ORDERS, c.IS_ACTIVE, "
            "i.INTERACTION_TS, i.SENTIMENT_SCORE AS sentiment FROM ANALYTICS.CUSTOMER_BASE c "
            "JOIN ANALYTICS.FACT_CUSTOMER_INTERACTIONS i ON i.CUSTOMER_ID = c.CUSTOMER_ID "
            "WHERE i.INTERACTION_ID = :1",
            "I03",
        ),
        user_tag=TAG,
    )
    assert result.columns == (
        "CUSTOMER",
        "SIGNUP_DATE",
        "LIFETIME_VALUE",
        "TOTAL_ORDERS",
        "IS_ACTIVE",
        "INTERACTION_TS",
        "SENTIMENT",
    )
    assert result.rows == (
        (
            "C0000002",
            dt.date(2024, 5, 17),
            Decimal("99.99"),
            1,
            True,
            dt.datetime(2026, 3, 2, 13, 45, 30, 250000),
            0.75,
        ),
    )
    # NUMBER(38,0) comes back as int, as Snowflake's connector returns it, not as Decimal('1').
    assert types_of(result) == [[str, dt.date, Decimal, int, bool, dt.datetime, float]]


def test_duckdb_aggregates_keep_snowflake_like_types(duck: Any) -> None:
    result = client.run_uncached(
        q(
            "SELECT COUNT(*) AS n, SUM(LIFETIME_VALUE) AS ltv, SUM(TOTAL_ORDERS) AS orders, "
            "MAX(SIGNUP_DATE) AS last_signup FROM ANALYTICS.CUSTOMER_BASE"
        ),
        user_tag=TAG,
    )
    assert result.records() == [
        {"N": 5, "LTV": Decimal("6481.24"), "ORDERS": 56, "LAST_SIGNUP": dt.date(2025, 11, 11)}
    ]
    assert types_of(result) == [[int, Decimal, int, dt.date]]


def test_params_are_bound_so_a_hostile_value_matches_nothing_and_breaks_nothing(duck: Any) -> None:
    assert client.run_uncached(q(CUSTOMERS_SQL, HOSTILE), user_tag=TAG).empty
    again = client.run_uncached(
        q("SELECT COUNT(*) AS n FROM ANALYTICS.CUSTOMER_BASE WHERE REGION = :1 OR REGION = :1", "EMEA"),
        user_tag=TAG,
    )
    assert again.column("n") == [2]


def test_numbered_placeholders_become_duckdb_dollar_numbers() -> None:
    sql = duckdb_backend.transpile("SELECT :2 AS b, :1 AS a FROM ANALYTICS.T WHERE x IN (:1, :3)")
    assert sql == "SELECT $2 AS b, $1 AS a FROM ANALYTICS.T WHERE x IN ($1, $3)"


def test_the_transpilation_is_cached_by_sql_text(duck: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    transpiled: list[str] = []
    original = duckdb_backend.sqlglot.transpile

    def spy(sql: str, **kwargs: Any) -> list[str]:
        transpiled.append(sql)
        return original(sql, **kwargs)

    monkeypatch.setattr(duckdb_backend.sqlglot, "transpile", spy)
    duckdb_backend.transpile.cache_clear()
    for region in ("EMEA", "NA", "EMEA"):
        client.run_uncached(q(CUSTOMERS_SQL, region), user_tag=TAG)
    assert transpiled == [CUSTOMERS_SQL]
    assert duckdb_backend.transpile.cache_info().hits == 2


def test_duckdb_is_read_only_and_reads_nothing_but_the_warehouse(duck: Any) -> None:
    with pytest.raises(WarehouseError):
        client.run_uncached(q("DELETE FROM ANALYTICS.CUSTOMER_BASE"), user_tag=TAG)
    with pytest.raises(WarehouseError):
        client.run_uncached(q("SELECT * FROM read_csv('/etc/hostname')"), user_tag=TAG)
    assert client.run_uncached(q("SELECT COUNT(*) AS n FROM ANALYTICS.CUSTOMER_BASE"), user_tag=TAG).rows == (
        (5,),
    )


def test_each_thread_runs_on_its_own_cursor(duck: Any) -> None:
    results: list[Any] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        for region in ("EMEA", "NA", "APAC"):
            results.append(client.run_uncached(q(CUSTOMERS_SQL, region), user_tag=TAG).column("CUSTOMER_ID"))
        results.append(duckdb_backend._local.state[1])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cursors = [r for r in results if not isinstance(r, list)]
    assert len({id(c) for c in cursors}) == 6
    assert sorted(map(tuple, (r for r in results if isinstance(r, list)))) == sorted(
        [("C0000001", "C0000005"), ("C0000002",), ("C0000003",)] * 6
    )


def test_a_rebuilt_file_is_reopened_by_the_next_statement(own_warehouse: Path) -> None:
    count = q("SELECT COUNT(*) AS n FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS")
    assert client.run_uncached(count, user_tag=TAG).rows == ((6,),)
    build_tiny_warehouse(own_warehouse, extra_interactions=2)
    assert client.run_uncached(count, user_tag=TAG).rows == ((8,),)


def test_a_missing_duckdb_file_raises_warehouse_unavailable_telling_how_to_build_it(
    duck: Any, tmp_path: Path
) -> None:
    duck.WAREHOUSE_PATH = tmp_path / "never-built.duckdb"
    for call in (client.run, client.run_uncached):
        with pytest.raises(WarehouseUnavailable) as caught:
            call(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG)
        assert "make run" in str(caught.value)
        assert "manage.py build_warehouse" in str(caught.value)


def test_a_failing_statement_raises_a_warehouse_error_that_shows_no_sql_and_is_logged(
    duck: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sql = "SELECT SECRET_COLUMN FROM ANALYTICS.NO_SUCH_TABLE"
    with (
        caplog.at_level(logging.INFO, logger="dashboards.warehouse"),
        pytest.raises(WarehouseError) as caught,
    ):
        client.run(q(sql), user_tag=TAG)
    assert not isinstance(caught.value, WarehouseUnavailable)
    message = str(caught.value)
    assert "NO_SUCH_TABLE" not in message and "SELECT" not in message and "Traceback" not in message
    assert client.sql_hash(sql) in message  # a reference to find the log line
    failures = [r for r in caplog.records if r.name == "dashboards.warehouse" and r.levelno == logging.ERROR]
    assert len(failures) == 1
    assert f"sql={client.sql_hash(sql)}" in failures[0].getMessage()
    assert "backend=duckdb" in failures[0].getMessage()


def test_every_statement_logs_its_backend_time_rows_and_sql_hash(
    duck: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="dashboards.warehouse"):
        client.run_uncached(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG)
    (record,) = [r for r in caplog.records if r.name == "dashboards.warehouse"]
    message = record.getMessage()
    assert "backend=duckdb" in message
    assert "rows=2" in message
    assert f"sql={client.sql_hash(CUSTOMERS_SQL)}" in message
    assert " ms=" in message
    assert f"user={TAG}" in message
    assert "EMEA" not in message and "SELECT" not in message


# --- Data version, as-of date, health ------------------------------------------------------------------------


def test_as_of_is_the_date_of_the_latest_interaction_and_is_memoised(
    duck: Any, executions: list[str]
) -> None:
    assert client.as_of() == AS_OF
    assert client.as_of() == AS_OF
    assert executions == [client.AS_OF_SQL]


def test_the_duckdb_data_version_is_read_at_every_call_however_long_the_check_interval(
    duck: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stat is cheap and DuckDB reads a replaced file at once, so its version is never memoised
    # (issue 9: a memoised version let results of a new file be stored under the old version).
    reads: list[int] = []
    original = duckdb_backend.file_signature

    def counting(path: Path | None = None) -> Any:
        reads.append(1)
        return original(path)

    monkeypatch.setattr(duckdb_backend, "file_signature", counting)
    duck.WAREHOUSE_VERSION_CHECK_SECONDS = 60
    first = client.data_version()
    assert client.data_version() == first
    assert len(reads) == 2


def test_a_rebuild_changes_the_duckdb_data_version(own_warehouse: Path) -> None:
    before = client.data_version()
    build_tiny_warehouse(own_warehouse)
    client.reset()
    assert client.data_version() != before


def test_health_reports_the_backend_and_as_of_date(duck: Any) -> None:
    assert client.health() == {"ok": True, "backend": "duckdb", "as_of": "2026-03-31", "error": None}


def test_health_never_raises(duck: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duck.WAREHOUSE_PATH = tmp_path / "missing.duckdb"
    missing = client.health()
    assert missing["ok"] is False and missing["as_of"] is None and "make run" in missing["error"]

    duck.WAREHOUSE_BACKEND = "oracle"
    assert client.health()["ok"] is False

    duck.WAREHOUSE_BACKEND = "duckdb"
    duck.WAREHOUSE_PATH = tmp_path / "not-a-database.duckdb"
    duck.WAREHOUSE_PATH.write_text("this is not a DuckDB file")
    client.reset()
    assert client.health()["ok"] is False

    def explode() -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(client, "as_of", explode)
    assert client.health() == {
        "ok": False,
        "backend": "duckdb",
        "as_of": None,
        "error": "RuntimeError: something nobody expected",
    }


def test_an_empty_warehouse_has_no_as_of_date_and_says_so(duck: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE SCHEMA ANALYTICS; CREATE TABLE ANALYTICS.FACT_CUSTOMER_INTERACTIONS (INTERACTION_TS TIMESTAMP)"
    )
    conn.close()
    duck.WAREHOUSE_PATH = path
    health = client.health()
    assert health["ok"] is False and "no customer interactions" in health["error"]


# --- The cache ------------------------------------------------------------------------------------------------


def test_the_cache_key_tells_typed_parameters_apart() -> None:
    def key(*params: Any, role: str | None = None) -> str:
        return client.cache_key("duckdb", "w", "v1", "SELECT :1", params, role)

    assert len({key(1), key("1"), key(True), key(1.0), key(Decimal("1")), key(dt.date(2026, 1, 1))}) == 6
    assert key(1) == key(1)
    assert key(1, role="ANALYST") != key(1, role="EXECUTIVE") != key(1)
    assert client.cache_key("duckdb", "w", "v2", "SELECT :1", (1,), None) != key(1)


def test_the_second_run_is_served_from_the_cache(duck: Any, redis_cache: str, executions: list[str]) -> None:
    first = client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG)
    second = client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag="portal:user=someone.else")
    assert second == first
    assert executions == [CUSTOMERS_SQL]
    client.run(q(CUSTOMERS_SQL, "NA"), user_tag=TAG)
    assert len(executions) == 2


def test_a_rebuilt_warehouse_misses_the_cache(
    duck: Any, own_warehouse: Path, redis_cache: str, executions: list[str]
) -> None:
    duck.WAREHOUSE_VERSION_CHECK_SECONDS = 0
    count = q("SELECT COUNT(*) AS n FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS")
    assert client.run(count, user_tag=TAG).rows == ((6,),)
    assert client.run(count, user_tag=TAG).rows == ((6,),)
    assert len(executions) == 1
    build_tiny_warehouse(own_warehouse, extra_interactions=3)
    assert client.run(count, user_tag=TAG).rows == ((9,),)
    assert len(executions) == 2


@pytest.mark.parametrize(
    "caches",
    [
        pytest.param(
            {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
            },
            id="redis-down-ignored",
        ),
        pytest.param(
            {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"IGNORE_EXCEPTIONS": False, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
            },
            id="redis-down-raising",
        ),
        pytest.param({"BACKEND": f"{__name__}.ExplodingCache"}, id="cache-that-raises"),
    ],
)
def test_a_cache_that_is_down_still_returns_results(
    duck: Any, caches: dict[str, Any], executions: list[str]
) -> None:
    duck.CACHES = {"default": caches}
    client.reset()
    results = [client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG) for _ in range(3)]
    assert all(r.column("CUSTOMER_ID") == ["C0000001", "C0000005"] for r in results)
    assert len(executions) == 3


def test_concurrent_callers_of_a_missing_entry_share_one_computation(
    duck: Any, redis_cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []
    original = duckdb_backend.execute

    def slow(sql: str, params: Any) -> Any:
        runs.append(sql)
        time.sleep(0.3)
        return original(sql, params)

    monkeypatch.setattr(duckdb_backend, "execute", slow)
    client.data_version()  # read once up front, so that only the query itself races
    results: list[Result] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        results.append(client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert runs == [CUSTOMERS_SQL]
    assert len(results) == 8 and all(r == results[0] for r in results)


def test_callers_waiting_on_a_failing_computation_get_its_error_without_running_it_again(
    duck: Any, redis_cache: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []

    def failing(sql: str, params: Any) -> Any:
        runs.append(sql)
        time.sleep(0.3)
        raise duckdb.BinderException("column SECRET does not exist")

    monkeypatch.setattr(duckdb_backend, "execute", failing)
    client.data_version()
    errors: list[BaseException] = []
    barrier = threading.Barrier(5)

    def ask() -> None:
        barrier.wait()
        try:
            client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG)
        except WarehouseError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert runs == [CUSTOMERS_SQL]
    assert len(errors) == 5 and len({str(e) for e in errors}) == 1
    assert "SECRET" not in str(errors[0])


# --- Snowflake, through the real connector, on fakesnow ------------------------------------------------------

SAME_ON_BOTH = [
    pytest.param(
        "SELECT c.CUSTOMER_ID, c.REGION, c.SIGNUP_DATE, c.LIFETIME_VALUE, c.TOTAL_ORDERS, c.IS_ACTIVE "
        "FROM ANALYTICS.CUSTOMER_BASE c WHERE c.LIFETIME_VALUE >= :1 ORDER BY c.CUSTOMER_ID",
        (Decimal("100.50"),),
        id="typed-columns-decimal-param",
    ),
    pytest.param(CUSTOMERS_SQL, (HOSTILE,), id="hostile-param"),
    pytest.param(
        "SELECT i.CHANNEL, COUNT(*) AS interactions, MIN(i.INTERACTION_TS) AS first_ts, "
        "MAX(i.SENTIMENT_SCORE) AS best FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i "
        "WHERE i.INTERACTION_TS >= :1 AND i.INTERACTION_TS < :2 GROUP BY i.CHANNEL ORDER BY i.CHANNEL",
        (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        id="grouped-date-range",
    ),
    pytest.param(
        "SELECT TICKET_ID, CREATED_AT, RESOLVED_AT, PRIORITY_LEVEL, CSAT_SCORE, "
        "DATEDIFF('hour', CREATED_AT, RESOLVED_AT) AS hours FROM ANALYTICS.FACT_SUPPORT_TICKETS ORDER BY TICKET_ID",
        (),
        id="null-timestamps",
    ),
    pytest.param(
        "SELECT DATE_TRUNC('month', INTERACTION_TS)::DATE AS month_start, COUNT(DISTINCT CUSTOMER_ID) AS customers, "
        "IFF(COUNT(*) > :1, 'busy', 'quiet') AS label FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS GROUP BY 1 ORDER BY 1",
        (2,),
        id="snowflake-functions",
    ),
]


@pytest.mark.snowflake
@pytest.mark.parametrize(("sql", "params"), SAME_ON_BOTH)
def test_the_snowflake_backend_returns_the_same_rows_and_types_as_duckdb(
    settings: Any,
    fakesnow_server: dict[str, Any],
    tiny_fakesnow: LoadReport,
    tiny_path: Path,
    sql: str,
    params: tuple,
) -> None:
    settings.WAREHOUSE_BACKEND, settings.WAREHOUSE_PATH = "duckdb", tiny_path
    client.reset()
    on_duckdb = client.run_uncached(q(sql, *params), user_tag=TAG)
    use_fakesnow(settings, fakesnow_server, database=tiny_fakesnow.database)
    try:
        on_snowflake = client.run_uncached(q(sql, *params), user_tag=TAG)
    finally:
        client.reset()
    assert on_snowflake.columns == on_duckdb.columns
    assert on_snowflake.rows == on_duckdb.rows
    assert types_of(on_snowflake) == types_of(on_duckdb)


@pytest.mark.snowflake
def test_sums_agree_in_value_though_fakesnow_returns_them_as_float(
    settings: Any, fakesnow_server: dict[str, Any], tiny_fakesnow: LoadReport, tiny_path: Path
) -> None:
    sql = "SELECT REGION, SUM(LIFETIME_VALUE) AS ltv, AVG(TOTAL_ORDERS) AS orders FROM ANALYTICS.CUSTOMER_BASE GROUP BY REGION ORDER BY REGION"
    settings.WAREHOUSE_BACKEND, settings.WAREHOUSE_PATH = "duckdb", tiny_path
    client.reset()
    on_duckdb = client.run_uncached(q(sql), user_tag=TAG)
    use_fakesnow(settings, fakesnow_server, database=tiny_fakesnow.database)
    on_snowflake = client.run_uncached(q(sql), user_tag=TAG)
    client.reset()
    assert isinstance(on_duckdb.rows[0][1], Decimal)  # as Snowflake itself returns NUMBER(38,2)
    for a, b in zip(on_duckdb.rows, on_snowflake.rows, strict=True):
        assert a[0] == b[0]
        assert all(math.isclose(float(x), float(y)) for x, y in zip(a[1:], b[1:], strict=True))


@pytest.mark.snowflake
def test_the_loader_copies_every_table_with_its_rows(tiny_fakesnow: LoadReport) -> None:
    assert tiny_fakesnow.tables == {
        "CUSTOMER_BASE": 5,
        "FACT_CUSTOMER_INTERACTIONS": 6,
        "FACT_SUPPORT_TICKETS": 3,
    }
    assert tiny_fakesnow.seconds < 10


@pytest.mark.snowflake
def test_the_session_parameters_of_the_emulator_are_merged_with_the_statement_timeout(snow: Any) -> None:
    kwargs = snowflake_backend.connect_kwargs("ANALYST")
    assert kwargs["session_parameters"] == {
        "CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False,
        "STATEMENT_TIMEOUT_IN_SECONDS": 60,
    }
    assert kwargs["paramstyle"] == "numeric"
    assert kwargs["role"] == "ANALYST"
    assert kwargs["database"] == "CLIENT_TESTS" and kwargs["schema"] == "ANALYTICS"


@pytest.fixture
def opened_as(monkeypatch: pytest.MonkeyPatch) -> dict[int, str | None]:
    """The role each Snowflake connection opened since the test began logged in as, by id(connection)."""
    roles: dict[int, str | None] = {}
    original_connect = snowflake.connector.connect

    def connect(**kwargs: Any) -> SnowflakeConnection:
        conn = original_connect(**kwargs)
        roles[id(conn)] = kwargs.get("role")
        return conn

    monkeypatch.setattr(snowflake.connector, "connect", connect)
    return roles


@pytest.mark.snowflake
def test_a_connection_per_role_is_kept_and_every_statement_carries_the_query_tag(
    snow: Any, monkeypatch: pytest.MonkeyPatch, opened_as: dict[int, str | None]
) -> None:
    sent: list[tuple[SnowflakeConnection, str, dict[str, Any] | None, Any]] = []
    original_query = SnowflakeConnection.cmd_query

    def cmd_query(self: SnowflakeConnection, sql: str, *args: Any, **kwargs: Any) -> Any:
        sent.append((self, sql, kwargs.get("statement_params"), kwargs.get("binding_params")))
        return original_query(self, sql, *args, **kwargs)

    monkeypatch.setattr(SnowflakeConnection, "cmd_query", cmd_query)
    query = q(CUSTOMERS_SQL, "EMEA")
    client.run_uncached(query, user_tag="portal:user=ana", snowflake_role="ANALYST")
    analyst = snowflake_backend.connection("ANALYST")
    client.run_uncached(query, user_tag="portal:user=bob", snowflake_role="ANALYST")
    client.run_uncached(query, user_tag="portal:user=eve", snowflake_role="EXECUTIVE")
    executive = snowflake_backend.connection("EXECUTIVE")

    assert snowflake_backend.connection("ANALYST") is analyst
    assert executive is not analyst
    assert opened_as == {id(analyst): "ANALYST", id(executive): "EXECUTIVE"}
    statements = [
        (conn, params and params.get("QUERY_TAG")) for conn, sql, params, _ in sent if sql == CUSTOMERS_SQL
    ]
    assert statements == [
        (analyst, "portal:user=ana"),
        (analyst, "portal:user=bob"),
        (executive, "portal:user=eve"),
    ]
    # The value travels as a binding, never inside the SQL text.
    assert all(
        binding == {"1": {"type": "TEXT", "value": "EMEA"}}
        for _, sql, _, binding in sent
        if sql == CUSTOMERS_SQL
    )


@pytest.mark.snowflake
def test_a_session_for_several_roles_logs_in_as_the_first_and_activates_exactly_the_others(
    snow: Any, secondary_roles: list[tuple[int, str]], opened_as: dict[int, str | None]
) -> None:
    query = q(CUSTOMERS_SQL, "EMEA")
    alone = client.run_uncached(query, user_tag=TAG, snowflake_role="ANALYST")
    together = client.run_uncached(query, user_tag=TAG, snowflake_role="ANALYST,EXECUTIVE,SUPPORT")
    assert together == alone
    single = snowflake_backend.connection("ANALYST")
    several = snowflake_backend.connection("ANALYST,EXECUTIVE,SUPPORT")
    assert several is not single
    assert opened_as == {id(single): "ANALYST", id(several): "ANALYST"}
    sessions = sys.modules["fakesnow.server"].sessions

    def session(conn: SnowflakeConnection) -> int:
        assert conn.rest is not None
        return id(sessions[conn.rest.token])

    # One role: no secondary role may stay active (a user's default, ALL, would widen the policy).
    assert secondary_roles == [
        (session(single), "USE SECONDARY ROLES NONE"),
        (session(several), "USE SECONDARY ROLES EXECUTIVE, SUPPORT"),
    ]


@pytest.mark.snowflake
def test_a_role_name_that_is_not_a_snowflake_name_is_refused_before_any_login(
    snow: Any, secondary_roles: list[tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    logins: list[dict[str, Any]] = []
    monkeypatch.setattr(snowflake.connector, "connect", lambda **kwargs: logins.append(kwargs))
    with pytest.raises(WarehouseUnavailable):
        client.run_uncached(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG, snowflake_role="ANALYST,X; DROP ROLE Y")
    assert logins == [] and secondary_roles == []


@pytest.mark.snowflake
def test_a_closed_connection_is_replaced_and_the_next_run_succeeds(snow: Any) -> None:
    query = q(CUSTOMERS_SQL, "EMEA")
    client.run_uncached(query, user_tag=TAG)
    first = snowflake_backend.connection()
    close_connection(first)
    assert client.run_uncached(query, user_tag=TAG).column("CUSTOMER_ID") == ["C0000001", "C0000005"]
    assert snowflake_backend.connection() is not first


@pytest.mark.snowflake
def test_a_session_lost_on_the_server_reconnects_once_and_the_run_succeeds(
    snow: Any, executions: list[str]
) -> None:
    query = q(CUSTOMERS_SQL, "EMEA")
    client.run_uncached(query, user_tag=TAG)
    first = snowflake_backend.connection()
    assert first.rest is not None
    sessions = sys.modules["fakesnow.server"].sessions
    del sessions[first.rest.token]  # the server forgets the session, as when it expires
    assert not first.is_closed()
    assert client.run_uncached(query, user_tag=TAG).column("CUSTOMER_ID") == ["C0000001", "C0000005"]
    assert snowflake_backend.connection() is not first
    assert executions == [CUSTOMERS_SQL, CUSTOMERS_SQL]


@pytest.mark.snowflake
def test_a_failing_snowflake_statement_raises_a_warehouse_error_without_reconnecting(snow: Any) -> None:
    client.run_uncached(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG)
    conn = snowflake_backend.connection()
    with pytest.raises(WarehouseError) as caught:
        client.run_uncached(q("SELECT NOPE FROM ANALYTICS.NO_SUCH_TABLE"), user_tag=TAG)
    assert not isinstance(caught.value, WarehouseUnavailable)
    assert "NO_SUCH_TABLE" not in str(caught.value)
    assert snowflake_backend.connection() is conn


@pytest.mark.snowflake
def test_snowflake_data_version_and_as_of_come_from_the_warehouse(snow: Any, executions: list[str]) -> None:
    version = client.data_version()
    assert version.startswith("snowflake:(")
    assert client.as_of() == AS_OF
    assert client.health() == {"ok": True, "backend": "snowflake", "as_of": "2026-03-31", "error": None}
    assert executions == [client.SNOWFLAKE_VERSION_SQL, client.AS_OF_SQL]


@pytest.mark.snowflake
def test_the_cache_works_the_same_on_snowflake(snow: Any, redis_cache: str, executions: list[str]) -> None:
    first = client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG, snowflake_role="ANALYST")
    assert client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG, snowflake_role="ANALYST") == first
    client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG, snowflake_role="EXECUTIVE")
    assert executions == [client.SNOWFLAKE_VERSION_SQL, CUSTOMERS_SQL, CUSTOMERS_SQL]


@pytest.mark.snowflake
def test_an_unreachable_snowflake_raises_warehouse_unavailable_and_health_says_so(snow: Any) -> None:
    snow.SNOWFLAKE = {**snow.SNOWFLAKE, "port": 1, "login_timeout": 2, "network_timeout": 1}
    client.reset()
    started = time.monotonic()
    with pytest.raises(WarehouseUnavailable) as caught:
        client.run(q(CUSTOMERS_SQL, "EMEA"), user_tag=TAG)
    assert "cannot be reached" in str(caught.value)
    health = client.health()
    assert health["ok"] is False and health["backend"] == "snowflake" and health["error"]
    assert time.monotonic() - started < 30


# --- Snowflake settings ---------------------------------------------------------------------------------------


def test_key_pair_authentication_loads_the_encrypted_private_key(settings: Any, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"open sesame"),
    )
    (tmp_path / "rsa_key.p8").write_bytes(pem)
    settings.SNOWFLAKE = snowflake_config(
        private_key_file=str(tmp_path / "rsa_key.p8"), private_key_passphrase="open sesame"
    )
    kwargs = snowflake_backend.connect_kwargs()
    loaded = serialization.load_der_private_key(kwargs["private_key"], password=None)
    assert loaded.private_numbers() == key.private_numbers()  # type: ignore[union-attr]
    assert "password" not in kwargs and "authenticator" not in kwargs
    assert not {"host", "port", "protocol"} & kwargs.keys()
    assert kwargs["session_parameters"] == {"STATEMENT_TIMEOUT_IN_SECONDS": 60}


def test_oauth_authentication_wins_over_a_password(settings: Any) -> None:
    settings.SNOWFLAKE = snowflake_config(oauth_token="t0ken", password="hunter2", role="PORTAL_READER")
    kwargs = snowflake_backend.connect_kwargs()
    assert (kwargs["authenticator"], kwargs["token"], kwargs["role"]) == ("oauth", "t0ken", "PORTAL_READER")
    assert "password" not in kwargs
    assert snowflake_backend.connect_kwargs("EXECUTIVE")["role"] == "EXECUTIVE"


def test_snowflake_without_credentials_is_unavailable_not_a_crash(settings: Any) -> None:
    settings.SNOWFLAKE = snowflake_config()
    settings.WAREHOUSE_BACKEND = "snowflake"
    client.reset()
    with pytest.raises(WarehouseUnavailable):
        client.run_uncached(q("SELECT 1"), user_tag=TAG)
    assert client.health()["ok"] is False
    client.reset()
