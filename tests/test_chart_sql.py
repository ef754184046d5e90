"""Every declared chart's SQL (and every option list) compiles for both backends and runs on the small
test warehouse through DuckDB and through the real Snowflake connector against fakesnow, with the
same results."""

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot

from accounts.access import Viewer
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.service import named_params
from dashboards.customers import SQL_FILES as CUSTOMER_SQL
from dashboards.filters import FILTERS, Filters
from dashboards.queries import SQL_DIR, compile_file
from dashboards.warehouse import client
from dashboards.warehouse.compiler import attributes

VIEWER = Viewer(username="tester")
CHARTS = [(ws.slug, chart) for ws in WORKSPACES.values() for chart in ws.charts]
OPTION_FILES = [f.options_sql for f in FILTERS] + ["data_range.sql", "matches.sql"]
FILTERS_FOR_TEST = Filters("custom", dt.date(2026, 3, 1), dt.date(2026, 5, 31), grain="week")


def _norm(value):
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 6) if not math.isnan(value) else "nan"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _rows(result):
    return [tuple(_norm(v) for v in row) for row in result.rows]


def test_every_sql_file_is_used_by_a_chart_or_an_option_list():
    used = {chart.sql for _, chart in CHARTS} | set(OPTION_FILES) | set(CUSTOMER_SQL)
    # The churn model card and the campaign simulator name their files in their own modules.
    for module in ("churn", "campaigns"):
        for source in (Path(SQL_DIR).parents[1] / "dashboards" / module).rglob("*.py"):
            used |= {
                m for m in re.findall(r'"([a-z_]+/[a-z_]+\.sql)"', source.read_text()) if m.startswith(module)
            }
    on_disk = {str(p.relative_to(SQL_DIR)) for p in Path(SQL_DIR).rglob("*.sql")}
    assert on_disk - used == set()
    assert used - on_disk == set()


@pytest.mark.parametrize(("slug", "chart"), CHARTS, ids=[f"{s}-{c.id}" for s, c in CHARTS])
def test_each_chart_compiles_for_snowflake_and_duckdb(slug, chart):
    query = compile_file(
        chart.sql, viewer=VIEWER, where=FILTERS_FOR_TEST.restriction(), named=named_params(FILTERS_FOR_TEST)
    )
    sqlglot.parse_one(query.sql, read="snowflake")
    duck = sqlglot.transpile(
        query.sql, read="snowflake", write="duckdb", unsupported_level=sqlglot.ErrorLevel.RAISE
    )
    assert len(duck) == 1


@pytest.mark.snowflake
@pytest.mark.parametrize(("slug", "chart"), CHARTS, ids=[f"{s}-{c.id}" for s, c in CHARTS])
def test_each_chart_gives_the_same_rows_on_duckdb_and_on_snowflake(
    slug, chart, settings, warehouse, snowflake_settings
):
    where = FILTERS_FOR_TEST.restriction()
    filtered = Filters(
        "custom", where.date_from, where.date_to, attributes({"channel": ["web", "phone"]}), "month"
    )
    for f in (FILTERS_FOR_TEST, filtered):
        query = compile_file(chart.sql, viewer=VIEWER, where=f.restriction(), named=named_params(f))
        settings.WAREHOUSE_BACKEND = "duckdb"
        client.reset()
        on_duckdb = client.run_uncached(query, user_tag="test")
        settings.WAREHOUSE_BACKEND = "snowflake"
        client.reset()
        on_snowflake = client.run_uncached(query, user_tag="test")
        assert on_duckdb.columns == on_snowflake.columns
        assert _rows(on_duckdb) == _rows(on_snowflake)
        assert on_duckdb.rows, f"{chart.id} returned no rows for {f}"


@pytest.mark.snowflake
@pytest.mark.parametrize("name", OPTION_FILES)
def test_each_option_list_is_the_same_on_both_backends(name, settings, warehouse, snowflake_settings):
    query = compile_file(name, viewer=VIEWER)
    settings.WAREHOUSE_BACKEND = "duckdb"
    client.reset()
    on_duckdb = client.run_uncached(query, user_tag="test")
    settings.WAREHOUSE_BACKEND = "snowflake"
    client.reset()
    assert _rows(client.run_uncached(query, user_tag="test")) == _rows(on_duckdb)
    assert on_duckdb.rows
