"""sql/snowflake/ matches the portal's starting roles: every Snowflake role exists, the row access
policy's scopes and the masking policy's PII roles are the roles' own, the warehouse is X-Small 1..3;
and the policy's own SQL, run in DuckDB with the session's roles standing in for IS_ROLE_IN_SESSION,
lets through exactly the customers of the session's roles, one role or several (against pandas)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import sqlglot

from accounts.models import Role
from tests.numbers import COLUMN, in_scope

pytestmark = pytest.mark.django_db

SQL = Path(__file__).resolve().parents[1] / "sql" / "snowflake"


def text(name: str) -> str:
    return (SQL / name).read_text()


def test_the_warehouse_is_x_small_and_scales_out_from_one_to_three_clusters():
    sql = text("01_warehouse_and_roles.sql")
    assert re.search(r"WAREHOUSE_SIZE\s*=\s*'XSMALL'", sql)
    assert re.search(r"MIN_CLUSTER_COUNT\s*=\s*1\b", sql) and re.search(r"MAX_CLUSTER_COUNT\s*=\s*3\b", sql)


def test_every_starting_roles_snowflake_role_is_created_and_granted_to_the_service_user():
    sql = text("01_warehouse_and_roles.sql")
    for role in Role.objects.all():
        assert f"CREATE ROLE IF NOT EXISTS {role.snowflake_role};" in sql
        assert f"GRANT ROLE {role.snowflake_role} TO USER PORTAL_SERVICE;" in sql


def test_the_row_access_scopes_are_the_roles_scopes():
    rows = re.findall(r"\('(PORTAL_\w+)', '(\w+)', '([^']+)'\)", text("02_row_access_policy.sql"))
    in_sql: dict[str, set[tuple[str, str]]] = {}
    for snowflake_role, attribute, value in rows:
        in_sql.setdefault(snowflake_role, set()).add((attribute, value))
    expected = {
        role.snowflake_role: {(COLUMN[a], v) for a, values in role.scope.items() for v in values}
        for role in Role.objects.all()
        if role.scope
    }
    assert in_sql == expected


def test_every_table_with_customer_rows_has_a_row_access_policy():
    from dashboards.warehouse.tables import table_columns

    sql = text("02_row_access_policy.sql")
    for table, columns in table_columns().items():
        if "CUSTOMER_ID" in columns:
            assert re.search(rf"ALTER TABLE PORTAL\.ANALYTICS\.{table}\s+ADD ROW ACCESS POLICY", sql), table


def test_the_masking_policy_shows_pii_to_exactly_the_pii_roles_primary_or_secondary():
    sql = text("03_masking_policies.sql")
    (listed,) = re.findall(r"WHEN ((?:IS_ROLE_IN_SESSION\('\w+'\)(?: OR )?)+) THEN VAL", sql)
    assert set(re.findall(r"'(\w+)'", listed)) == {r.snowflake_role for r in Role.objects.filter(pii=True)}
    assert "CURRENT_ROLE() IN" not in sql  # the primary role alone would miss a PII role held as secondary
    for column in ("FIRST_NAME", "LAST_NAME", "EMAIL"):
        assert f"MODIFY COLUMN {column} SET MASKING POLICY" in sql


# --- The row access policy's SQL, run ------------------------------------------------------------------------


def statement(sql: str, starts: str) -> str:
    """The statement of `sql` that begins with `starts` (up to its semicolon)."""
    begin = sql.index(starts)
    return sql[begin : sql.index(";", begin)]


def duckdb_sql(snowflake_sql: str) -> str:
    return sqlglot.transpile(snowflake_sql, read="snowflake", write="duckdb")[0]


@pytest.fixture
def policy_tables(demo_warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """PORTAL.SECURITY as the script makes it (its tables, its rows, the customers' scope attributes from
    the script's own SELECT), in DuckDB over the demo warehouse."""
    sql = text("02_row_access_policy.sql")
    con = duckdb.connect()
    con.execute(f"ATTACH '{demo_warehouse_path}' AS SOURCE (READ_ONLY)")
    con.execute("ATTACH ':memory:' AS PORTAL")
    con.execute("CREATE SCHEMA PORTAL.ANALYTICS")
    con.execute("CREATE SCHEMA PORTAL.SECURITY")
    for table in ("CUSTOMER_BASE", "CUSTOMER_PERSONA_SIGNALS"):
        con.execute(f"CREATE TABLE PORTAL.ANALYTICS.{table} AS SELECT * FROM SOURCE.ANALYTICS.{table}")
    for table in ("PORTAL_ROLES", "PORTAL_ROLE_SCOPE"):
        con.execute(duckdb_sql(statement(sql, f"CREATE TABLE IF NOT EXISTS PORTAL.SECURITY.{table} ")))
        con.execute(duckdb_sql(statement(sql, f"INSERT INTO PORTAL.SECURITY.{table} ")))
    dynamic = statement(sql, "CREATE OR REPLACE DYNAMIC TABLE PORTAL.SECURITY.CUSTOMER_SCOPE_ATTRIBUTES")
    select = dynamic[dynamic.index("\nSELECT") :]
    con.execute(f"CREATE TABLE PORTAL.SECURITY.CUSTOMER_SCOPE_ATTRIBUTES AS {duckdb_sql(select)}")
    yield con
    con.close()


def visible_customers(con: duckdb.DuckDBPyConnection, session_roles: tuple[str, ...]) -> set[str]:
    """The policy view's customers for a session holding these roles (IS_ROLE_IN_SESSION: one of them)."""
    view = statement(text("02_row_access_policy.sql"), "CREATE OR REPLACE SECURE VIEW")
    held = ", ".join(f"'{role}'" for role in session_roles) or "NULL"
    view = re.sub(r"IS_ROLE_IN_SESSION\((\w+)\)", rf"\1 IN ({held})", view)
    assert "IS_ROLE_IN_SESSION" not in view
    body = view[view.index(" AS\n") + len(" AS\n") :]
    return {row[0] for row in con.execute(duckdb_sql(body)).fetchall()}


def ids_in_scope(customers: pd.DataFrame, scope: dict[str, list[str]]) -> set[str]:
    return set(in_scope(customers, scope)["CUSTOMER_ID"])


SESSIONS = [
    ("Support lead",),
    ("Customer success manager",),
    ("Executive",),
    ("Support lead", "Customer success manager"),  # two scopes: their union
    ("Customer success manager", "Support lead", "Product manager"),  # one unrestricted: everyone
]


@pytest.mark.parametrize("names", SESSIONS, ids=["+".join(n) for n in SESSIONS])
def test_the_policy_lets_a_session_see_the_union_of_its_roles_scopes(
    policy_tables: duckdb.DuckDBPyConnection, customers: pd.DataFrame, names: tuple[str, ...]
) -> None:
    roles = [Role.objects.get(name=name) for name in names]
    expected: set[str] = set().union(*(ids_in_scope(customers, role.scope) for role in roles))
    seen = visible_customers(policy_tables, tuple(role.snowflake_role for role in roles))
    assert seen == expected
    assert 0 < len(seen) <= len(customers)


def test_a_session_with_two_scoped_roles_sees_more_than_either_and_one_without_a_portal_role_sees_none(
    policy_tables: duckdb.DuckDBPyConnection,
) -> None:
    lead, manager = "PORTAL_SUPPORT_LEAD", "PORTAL_CS_MANAGER"
    both = visible_customers(policy_tables, (lead, manager))
    assert both > visible_customers(policy_tables, (lead,)) and both > visible_customers(
        policy_tables, (manager,)
    )
    assert visible_customers(policy_tables, ()) == set()
    assert visible_customers(policy_tables, ("PORTAL_READER",)) == set()


# --- The portal's side: a person with two roles, on the Snowflake path ---------------------------------------


@pytest.mark.snowflake
def test_a_person_with_two_scoped_roles_queries_snowflake_as_both_and_sees_their_union(
    role_user: Any, snowflake_settings: Any, secondary_roles: list[tuple[int, str]], customers: pd.DataFrame
) -> None:
    from accounts.access import viewer_for
    from dashboards.queries import compile_sql, scope_of
    from dashboards.warehouse import client

    viewer = viewer_for(role_user("Support lead", groups=("Customer success manager",)))
    query = compile_sql("SELECT c.CUSTOMER_ID FROM ANALYTICS.CUSTOMER_BASE c", scope=scope_of(viewer))
    result = client.run_uncached(query, user_tag=viewer.query_tag, snowflake_role=viewer.snowflake_role)
    expected = ids_in_scope(customers, {"region": ["EMEA"]}) | ids_in_scope(
        customers, {"region": ["NA"], "value_segment": ["High Value", "Medium Value"]}
    )
    assert set(result.column("CUSTOMER_ID")) == expected
    # The session held both roles: Customer success manager's as primary, Support lead's as secondary.
    assert [sql for _, sql in secondary_roles] == ["USE SECONDARY ROLES PORTAL_SUPPORT_LEAD"]
