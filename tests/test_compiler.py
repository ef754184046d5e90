"""The query compiler: every filter lands on the right column, values are bound, rules are enforced."""

import datetime as dt

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from dashboards.warehouse import tables as t
from dashboards.warehouse.compiler import (
    CompileError,
    Restriction,
    Scope,
    ScopeError,
    attributes,
    compile_query,
)

JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
HOSTILE = "x' OR 1=1 --"


def subquery_conditions(sql: str, table: str) -> list[str]:
    """The conditions the compiler put on `table`, as Snowflake SQL strings (placeholders kept)."""
    tree = sqlglot.parse_one(sql, read="snowflake")
    for sub in tree.find_all(exp.Subquery):
        select = sub.this
        if not isinstance(select, exp.Select):
            continue
        source = select.args["from_"].this
        if isinstance(source, exp.Table) and source.name == table and sub.alias:
            where = select.args.get("where")
            if where is None:
                return []
            return (
                [c.sql("snowflake") for c in where.this.flatten()]
                if isinstance(where.this, exp.And)
                else [where.this.sql("snowflake")]
            )
    return []


def count_of(table: str) -> str:
    return f"SELECT COUNT(*) FROM ANALYTICS.{table}"


@pytest.mark.parametrize(("table", "column"), sorted(t.TIME_COLUMNS.items()))
def test_the_date_range_lands_on_each_tables_time_column(table, column):
    q = compile_query(count_of(table), where=Restriction(JAN, MAR))
    conditions = subquery_conditions(q.sql, table)
    assert f"{column} >= :1" in conditions
    assert f"{column} < :2" in conditions
    assert q.params == (JAN, MAR + dt.timedelta(days=1))
    assert "date" in q.applied_filters


@pytest.mark.parametrize("table", ["CUSTOMER_BASE", "DIM_PRODUCT", "CHURN_PREDICTIONS"])
def test_tables_without_a_time_column_are_not_limited_by_date(table):
    q = compile_query(count_of(table), where=Restriction(JAN, MAR))
    assert q.params == ()
    assert "date" not in q.applied_filters


@pytest.mark.parametrize(
    ("name", "table", "column"),
    [(name, table, column) for name, on in t.ROW_ATTRIBUTES.items() for table, column in on.items()],
)
def test_row_filters_land_on_the_tables_that_carry_them(name, table, column):
    q = compile_query(count_of(table), where=Restriction(attributes=attributes({name: ["a", "b"]})))
    assert subquery_conditions(q.sql, table) == [f"{column} IN (:1, :2)"]
    assert q.applied_filters == {name}


def test_a_row_filter_is_ignored_by_tables_without_its_column():
    q = compile_query(
        count_of("FACT_PRODUCT_REVIEWS"), where=Restriction(attributes=attributes({"channel": ["web"]}))
    )
    assert q.params == ()
    assert q.applied_filters == frozenset()


@pytest.mark.parametrize(("name", "source_column"), sorted(t.CUSTOMER_ATTRIBUTES.items()))
def test_customer_filters_are_semi_joins_on_the_customer_tables(name, source_column):
    source, column = source_column
    q = compile_query(
        count_of("FACT_SUPPORT_TICKETS"), where=Restriction(attributes=attributes({name: ["v"]}))
    )
    assert subquery_conditions(q.sql, "FACT_SUPPORT_TICKETS") == [
        f"CUSTOMER_ID IN (SELECT CUSTOMER_ID FROM ANALYTICS.{source} WHERE {column} IN (:1))"
    ]
    own = compile_query(count_of(source), where=Restriction(attributes=attributes({name: ["v"]})))
    assert subquery_conditions(own.sql, source) == [f"{column} IN (:1)"]


def test_a_persona_filter_lands_directly_on_the_persona_stats():
    q = compile_query(
        count_of("DIM_PERSONA_STATS"), where=Restriction(attributes=attributes({"persona": ["p"]}))
    )
    assert subquery_conditions(q.sql, "DIM_PERSONA_STATS") == ["DERIVED_PERSONA IN (:1)"]


def test_values_are_bound_never_spliced():
    q = compile_query(
        count_of("FACT_CUSTOMER_INTERACTIONS"),
        where=Restriction(JAN, MAR, attributes({"channel": [HOSTILE], "region": [HOSTILE]})),
    )
    assert HOSTILE not in q.sql
    assert "1=1" not in q.sql
    assert q.params.count(HOSTILE) == 2


def test_a_hostile_value_is_inert_when_the_query_runs():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ANALYTICS")
    con.execute(
        "CREATE TABLE ANALYTICS.FACT_CUSTOMER_INTERACTIONS (CUSTOMER_ID VARCHAR, INTERACTION_TS TIMESTAMP, CHANNEL VARCHAR)"
    )
    con.execute("CREATE TABLE ANALYTICS.CUSTOMER_BASE (CUSTOMER_ID VARCHAR, REGION VARCHAR)")
    con.execute("INSERT INTO ANALYTICS.CUSTOMER_BASE VALUES ('C1', 'EMEA')")
    con.execute("INSERT INTO ANALYTICS.FACT_CUSTOMER_INTERACTIONS VALUES ('C1', '2026-02-01', 'web')")
    q = compile_query(
        count_of("FACT_CUSTOMER_INTERACTIONS"),
        where=Restriction(attributes=attributes({"channel": [HOSTILE]})),
    )
    sql = sqlglot.transpile(q.sql, read="snowflake", write="duckdb")[0]
    assert con.execute(sql, list(q.params)).fetchone() == (0,)
    ok = compile_query(
        count_of("FACT_CUSTOMER_INTERACTIONS"), where=Restriction(attributes=attributes({"channel": ["web"]}))
    )
    assert con.execute(
        sqlglot.transpile(ok.sql, read="snowflake", write="duckdb")[0], list(ok.params)
    ).fetchone() == (1,)
    assert con.execute("SELECT COUNT(*) FROM ANALYTICS.CUSTOMER_BASE").fetchone() == (1,)


def test_aliases_and_joins_keep_working_after_the_rewrite():
    sql = (
        "SELECT c.REGION, COUNT(*) FROM ANALYTICS.FACT_SUPPORT_TICKETS t "
        "JOIN ANALYTICS.CUSTOMER_BASE c ON c.CUSTOMER_ID = t.CUSTOMER_ID GROUP BY 1"
    )
    q = compile_query(sql, where=Restriction(JAN, MAR, attributes({"region": ["NA"]})))
    tree = sqlglot.parse_one(q.sql, read="snowflake")
    aliases = {s.alias for s in tree.find_all(exp.Subquery) if s.alias}
    assert {"t", "c"} <= aliases
    assert subquery_conditions(q.sql, "CUSTOMER_BASE") == ["REGION IN (:4)"]
    assert q.params[3] == "NA"


def test_the_scope_limits_every_table_with_customers():
    scope = Scope.only(attributes({"region": ["EMEA"]}))
    q = compile_query(count_of("FACT_TRANSACTIONS"), scope=scope)
    assert subquery_conditions(q.sql, "FACT_TRANSACTIONS") == [
        "CUSTOMER_ID IN (SELECT CUSTOMER_ID FROM ANALYTICS.CUSTOMER_BASE WHERE REGION IN (:1))"
    ]
    assert q.params == ("EMEA",)


def test_a_table_that_cannot_be_scoped_is_refused():
    with pytest.raises(ScopeError):
        compile_query(count_of("DIM_PERSONA_STATS"), scope=Scope.only(attributes({"region": ["EMEA"]})))


def test_tables_without_customer_data_need_no_scope():
    q = compile_query(count_of("DIM_PRODUCT"), scope=Scope.only(attributes({"region": ["EMEA"]})))
    assert q.params == ()


def test_pii_columns_are_masked_for_viewers_without_pii():
    q = compile_query("SELECT EMAIL, REGION FROM ANALYTICS.CUSTOMER_BASE", scope=Scope(pii_grants=()))
    assert "'***' AS EMAIL" in q.sql
    assert "'***' AS FIRST_NAME" in q.sql
    assert "REGION" in q.sql
    unmasked = compile_query("SELECT EMAIL FROM ANALYTICS.CUSTOMER_BASE", scope=Scope())
    assert "***" not in unmasked.sql


def test_named_date_placeholders_are_bound_and_the_query_takes_over_dates():
    q = compile_query(
        "SELECT COUNT(*) FROM ANALYTICS.FACT_TRANSACTIONS WHERE TRANSACTION_TS >= :prev_from AND TRANSACTION_TS < :date_end",
        where=Restriction(JAN, MAR, attributes({"channel": ["web"]})),
    )
    assert q.params[:2] == (dt.date(2025, 10, 3), dt.date(2026, 4, 1))
    assert subquery_conditions(q.sql, "FACT_TRANSACTIONS") == ["CHANNEL IN (:3)"]
    assert q.applied_filters == {"date", "channel"}


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM FACT_TRANSACTIONS", "must be written ANALYTICS"),
        ("SELECT * FROM OTHER.FACT_TRANSACTIONS", "must be written ANALYTICS"),
        ("SELECT * FROM ANALYTICS.NOT_A_TABLE", "not a table of the warehouse contract"),
        ("SELECT 1; SELECT 2", "one statement"),
        ("DELETE FROM ANALYTICS.FACT_TRANSACTIONS", "only queries"),
        ("SELECT :nothing", "has no value"),
    ],
)
def test_sql_that_could_bypass_the_rewrite_is_refused(sql, message):
    with pytest.raises(CompileError, match=message):
        compile_query(sql)


def test_ctes_are_not_mistaken_for_tables():
    q = compile_query(
        "WITH x AS (SELECT CUSTOMER_ID FROM ANALYTICS.CUSTOMER_BASE) SELECT COUNT(*) FROM x",
        where=Restriction(attributes=attributes({"region": ["NA"]})),
    )
    assert q.tables == {"CUSTOMER_BASE"}
