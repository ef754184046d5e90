"""What the query compiler knows about the warehouse contract (WAREHOUSE.md).

Which column of each table carries time, which filters land on which column, which columns are PII.
The columns of each table are read from sql/warehouse/schema.sql, the executable form of the contract.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlglot
from django.conf import settings
from sqlglot import exp

SCHEMA_SQL = Path(settings.BASE_DIR) / "sql" / "warehouse" / "schema.sql"

# The per-customer tables that customer-attribute filters and data scopes are read from.
CUSTOMER_BASE = "CUSTOMER_BASE"
PERSONA_SIGNALS = "CUSTOMER_PERSONA_SIGNALS"

# Customer attributes: a filter (or a scope) on one of these keeps only the customers that match,
# applied to every table with a CUSTOMER_ID as a semi-join on the attribute's table.
CUSTOMER_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "persona": (PERSONA_SIGNALS, "DERIVED_PERSONA"),
    "value_segment": (PERSONA_SIGNALS, "VALUE_SEGMENT"),
    "churn_risk": (PERSONA_SIGNALS, "CHURN_RISK"),
    "upsell": (PERSONA_SIGNALS, "UPSELL_OPPORTUNITY"),
    "region": (CUSTOMER_BASE, "REGION"),
    "plan_tier": (CUSTOMER_BASE, "PLAN_TIER"),
}

# Row attributes: filters that land only on the tables that carry that column.
ROW_ATTRIBUTES: dict[str, dict[str, str]] = {
    "interaction_type": {"FACT_CUSTOMER_INTERACTIONS": "INTERACTION_TYPE"},
    "channel": {
        "FACT_CUSTOMER_INTERACTIONS": "CHANNEL",
        "FACT_SUPPORT_TICKETS": "CHANNEL",
        "FACT_TRANSACTIONS": "CHANNEL",
    },
    "language": {"FACT_PRODUCT_REVIEWS": "REVIEW_LANGUAGE"},
}

# The column the date range applies to. Tables not listed here are not restricted by date.
TIME_COLUMNS: dict[str, str] = {
    "FACT_CUSTOMER_INTERACTIONS": "INTERACTION_TS",
    "FACT_PRODUCT_REVIEWS": "REVIEW_TS",
    "FACT_SUPPORT_TICKETS": "CREATED_AT",
    "FACT_TRANSACTIONS": "TRANSACTION_TS",
    "FACT_CAMPAIGN_RESPONSES": "SENT_AT",
    "SENTIMENT_ANALYSIS": "SENTIMENT_TS",
    "DIM_PERSONA_STATS": "STAT_DATE",
}

# Tables that hold nothing about customers: a data scope has nothing to limit there.
SCOPE_FREE: frozenset[str] = frozenset({"DIM_PRODUCT", "DIM_DATE", "CHURN_MODEL_VERSIONS"})

PII_COLUMNS: dict[str, frozenset[str]] = {
    CUSTOMER_BASE: frozenset({"FIRST_NAME", "LAST_NAME", "EMAIL"}),
}
PII_MASK = "***"


@cache
def table_columns() -> dict[str, tuple[str, ...]]:
    """Each contract table's columns in declaration order, read from schema.sql."""
    tables: dict[str, tuple[str, ...]] = {}
    for statement in sqlglot.parse(SCHEMA_SQL.read_text(), read="snowflake"):
        if not isinstance(statement, exp.Create) or statement.kind != "TABLE":
            continue
        schema = statement.this
        if not isinstance(schema, exp.Schema):
            continue
        name = schema.this.name.upper()
        tables[name] = tuple(col.name.upper() for col in schema.expressions if isinstance(col, exp.ColumnDef))
    return tables


def has_customer_id(table: str) -> bool:
    return "CUSTOMER_ID" in table_columns().get(table, ())
