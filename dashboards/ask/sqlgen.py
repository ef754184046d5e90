"""A Plan written as one Snowflake query over ANALYTICS.*, with every value a named placeholder.

The period is left to the query compiler where the metric's table is dated by the column the
compiler restricts (exactly as for charts). Otherwise the query handles dates itself: per-customer
snapshots count as of the end of the period (signed up by :date_to), tables dated by another column
(tickets by RESOLVED_AT) use :date_from/:date_end, and undated per-customer tables count the customers
with an interaction in the period, as the Overview KPIs do. Customer-attribute filters travel as the
compiler's Restriction, so they reach every table the way chart filters do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

from ..warehouse import tables as t
from ..warehouse.compiler import Attributes, Restriction, attributes
from .interpret import Plan
from .model import Dimension, SemanticModel
from .timerange import TimeRange

GRAINS = {"day": "DAY", "week": "WEEK", "month": "MONTH", "quarter": "QUARTER", "year": "YEAR"}
ACTIVE_SOURCE = "FACT_CUSTOMER_INTERACTIONS"


@dataclass(frozen=True)
class Query:
    sql: str
    named: dict[str, Any]
    where: Restriction


def _qualify(expr: str, alias: str) -> str:
    tree = sqlglot.parse_one(expr, read="snowflake")
    for column in tree.find_all(exp.Column):
        if not column.table:
            column.set("table", exp.to_identifier(alias))
    return tree.sql(dialect="snowflake")


def customer_attribute(model: SemanticModel, dim: Dimension) -> str | None:
    """The compiler's attribute name for a dimension that is a customer attribute (region, persona...)."""
    base = model.tables[dim.table].base_table
    for name, (table, column) in t.CUSTOMER_ATTRIBUTES.items():
        if table == base and column == dim.expr.upper():
            return name
    return None


def date_mode(model: SemanticModel, table: str) -> str:
    """ "compiler", "as_of", "own" or "active": how the period applies to a logical table."""
    logical = model.tables[table]
    time = logical.time
    if time and t.TIME_COLUMNS.get(logical.base_table) == time.expr.upper():
        return "compiler"
    if time and logical.base_table in t.TIME_COLUMNS:
        return "own"
    if time:
        return "as_of"
    return "active"


def build(plan: Plan, model: SemanticModel, *, base: Restriction, period: TimeRange) -> Query:
    """The SQL for `plan` over `period`, narrowed further by `base` (the workspace's filters)."""
    table = model.tables[plan.table]
    aliases = {table.name: "t0"}
    joins: list[str] = []
    named: dict[str, Any] = {}

    def alias_of(dim: Dimension) -> str:
        if dim.table not in aliases:
            rel = model.join(table.name, dim.table)
            if rel is None:
                raise ValueError(f"{dim.table} is not related to {table.name}")
            alias = f"j{len(aliases)}"
            aliases[dim.table] = alias
            other = model.tables[dim.table].base_table
            joins.append(
                f"LEFT JOIN ANALYTICS.{other} AS {alias} ON t0.{rel.left_column} = {alias}.{rel.right_column}"
            )
        return aliases[dim.table]

    select: list[str] = []
    keys: list[str] = []
    mode = date_mode(model, table.name)
    conditions: list[str] = []
    if plan.grain:
        time = table.time
        assert time is not None
        select.append(f"DATE_TRUNC('{GRAINS[plan.grain]}', t0.{time.expr})::DATE AS PERIOD")
        keys.append("PERIOD")
    for dim in plan.group_by:
        name = dim.name.upper()
        select.append(f"{alias_of(dim)}.{dim.expr} AS {name}")
        keys.append(name)
    for metric in plan.metrics:
        select.append(f"{_qualify(metric.expr, 't0')} AS {metric.name.upper()}")

    extra: dict[str, list[str]] = {name: list(values) for name, values in base.attributes}
    for i, (dim, values) in enumerate(plan.filters):
        attr = customer_attribute(model, dim)
        if attr:
            extra[attr] = list(values)  # the question's value wins over the workspace's for that attribute
            continue
        holders = []
        for j, value in enumerate(values):
            key = f"v{i}_{j}"
            named[key] = value
            holders.append(f":{key}")
        conditions.append(f"{alias_of(dim)}.{dim.expr} IN ({', '.join(holders)})")

    if mode == "as_of":
        time = table.time
        assert time is not None
        if plan.grain:
            conditions.append(f"t0.{time.expr} >= :date_from AND t0.{time.expr} < :date_end")
        else:
            conditions.append(f"t0.{time.expr} <= :date_to")
    elif mode == "own":
        time = table.time
        assert time is not None
        conditions.append(f"t0.{time.expr} >= :date_from AND t0.{time.expr} < :date_end")
    elif mode == "active":
        conditions.append(f"t0.CUSTOMER_ID IN (SELECT a.CUSTOMER_ID FROM ANALYTICS.{ACTIVE_SOURCE} a)")  # noqa: S608 (names from the semantic model)

    lines = ["SELECT " + ", ".join(select), f"FROM ANALYTICS.{table.base_table} AS t0", *joins]
    if conditions:
        lines.append("WHERE " + " AND ".join(conditions))
    if keys:
        lines.append("GROUP BY " + ", ".join(keys))
    first_metric = plan.metrics[0].name.upper()
    if plan.grain:
        lines.append("ORDER BY PERIOD" + (", " + ", ".join(keys[1:]) if keys[1:] else ""))
    elif keys:
        direction = "ASC" if plan.order == "asc" else "DESC"
        lines.append(f"ORDER BY {first_metric} {direction} NULLS LAST, " + ", ".join(keys))
    if plan.limit and keys:
        lines.append(f"LIMIT {int(plan.limit)}")
    where_attrs: Attributes = attributes(extra)
    where = Restriction(period.date_from, period.date_to, where_attrs)
    return Query("\n".join(lines), named, where)
