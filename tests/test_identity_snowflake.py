"""sql/snowflake/ matches the portal's starting roles: every Snowflake role exists, the row access
policy's scopes and the masking policy's PII roles are the roles' own, the warehouse is X-Small 1..3."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accounts.models import Role
from tests.numbers import COLUMN

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


def test_the_masking_policy_shows_pii_to_exactly_the_pii_roles():
    sql = text("03_masking_policies.sql")
    (listed,) = re.findall(r"CURRENT_ROLE\(\) IN \(([^)]*)\) THEN VAL", sql)
    assert set(re.findall(r"'(\w+)'", listed)) == {r.snowflake_role for r in Role.objects.filter(pii=True)}
    for column in ("FIRST_NAME", "LAST_NAME", "EMAIL"):
        assert f"MODIFY COLUMN {column} SET MASKING POLICY" in sql
