"""The query compiler: plain chart SQL in, filtered and scoped SQL with bound parameters out.

Every reference to a contract table (`ANALYTICS.<TABLE>`) is rewritten into a subquery that keeps only
the rows the request may see: the date range on that table's time column, customer-attribute filters
and the viewer's data scope as semi-joins on the customer tables, row filters (interaction type,
channel, language) on the tables that carry them, and PII columns masked for viewers without PII
access. The data scope is a disjunction of conjunctions (one per role), so a viewer with several roles sees exactly
the union of what each role grants. Values become numbered placeholders (:1, :2, ...); nothing is spliced into the SQL text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import sqlglot
from sqlglot import exp

from . import tables as t
from .result import CompiledQuery

SCHEMA = "ANALYTICS"
DATE_FROM, DATE_TO = "date_from", "date_to"
# Named placeholders that carry the request's dates: a query using them honours the date range itself.
DATE_NAMES = frozenset({DATE_FROM, DATE_TO, "date_end", "prev_from"})


class CompileError(ValueError):
    """The chart SQL breaks a rule of the compiler (a developer error, caught by the tests)."""


class ScopeError(CompileError):
    """The query reads a table that cannot be limited to the viewer's data scope."""


Attributes = tuple[tuple[str, tuple[str, ...]], ...]


def attributes(values: Mapping[str, Any]) -> Attributes:
    """Normalise {name: values} into the sorted, hashable form the compiler takes; drops empties."""
    return tuple((name, tuple(sorted(str(v) for v in vals))) for name, vals in sorted(values.items()) if vals)


@dataclass(frozen=True)
class Restriction:
    """What the request asks for: a date range (inclusive) and attribute filters."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    attributes: Attributes = ()


Grants = tuple[Attributes, ...]
EVERY_ROW: Grants = ((),)


@dataclass(frozen=True)
class Scope:
    """What the viewer may see, as a disjunction of conjunctions of customer attributes.

    `grants`: a customer row is visible when it matches any one grant (all of that grant's
    `attribute IN values`); `((),)` matches every row, `()` none. `pii_grants`: the visible rows whose
    names and e-mail addresses show, in the same form (`()`: masked everywhere).
    """

    grants: Grants = EVERY_ROW
    pii_grants: Grants = EVERY_ROW
    label: str = field(default="unrestricted", compare=False)

    @classmethod
    def only(cls, attrs: Attributes, *, pii: bool = True, label: str = "restricted") -> Scope:
        """One conjunction (a single role's scope)."""
        return cls(grants=(attrs,), pii_grants=(attrs,) if pii else (), label=label)

    @property
    def pii(self) -> bool:
        return bool(self.pii_grants)


UNRESTRICTED = Scope()
EVERYTHING = Restriction()


class _Binder:
    def __init__(self) -> None:
        self.params: list[Any] = []

    def bind(self, value: Any) -> exp.Placeholder:
        self.params.append(value)
        return exp.Placeholder(this=str(len(self.params)))


def _in(
    column: str, values: tuple[str, ...], binder: _Binder, qualifier: str | None = None
) -> exp.Expression:
    col = exp.column(column, table=qualifier) if qualifier else exp.column(column)
    return exp.In(this=col, expressions=[binder.bind(v) for v in values])


def _table_ref(name: str) -> exp.Table:
    return exp.table_(name, db=SCHEMA)


def _customer_conditions(
    table: str, attrs: Attributes, binder: _Binder, *, strict: bool, applied: set[str]
) -> list[exp.Expression]:
    """Conditions for customer attributes on `table`; strict (scopes) raises where one cannot apply."""
    direct: list[exp.Expression] = []
    via: dict[str, list[exp.Expression]] = {}
    columns = t.table_columns().get(table, ())
    for name, values in attrs:
        if name not in t.CUSTOMER_ATTRIBUTES:
            if strict:
                raise ScopeError(f"{name} is not a customer attribute a data scope can use")
            continue
        source, column = t.CUSTOMER_ATTRIBUTES[name]
        if source == table or (column in columns and "CUSTOMER_ID" not in columns):
            direct.append(_in(column, values, binder))
        elif "CUSTOMER_ID" in columns:
            via.setdefault(source, []).append(_in(column, values, binder))
        elif strict:
            raise ScopeError(f"{SCHEMA}.{table} cannot be limited by {name}")
        else:
            continue
        applied.add(name)
    for source, conditions in sorted(via.items()):
        subquery = exp.select("CUSTOMER_ID").from_(_table_ref(source)).where(exp.and_(*conditions))
        direct.append(exp.In(this=exp.column("CUSTOMER_ID"), query=exp.Subquery(this=subquery)))
    return direct


def _grants_condition(table: str, grants: Grants, binder: _Binder) -> exp.Expression | None:
    """The rows of `table` inside any of `grants` (None: every row). Raises where a grant cannot apply."""
    if any(not grant for grant in grants):
        return None
    if not grants:
        return exp.false()
    each: list[exp.Condition] = [
        exp.and_(*_customer_conditions(table, grant, binder, strict=True, applied=set())) for grant in grants
    ]
    return exp.Paren(this=exp.or_(*each)) if len(each) > 1 else cast(exp.Expression, each[0])


def _conditions(
    table: str, where: Restriction, scope: Scope, binder: _Binder, applied: set[str]
) -> list[exp.Expression]:
    conditions: list[exp.Expression] = []
    time_column = t.TIME_COLUMNS.get(table)
    if time_column and where.date_from is not None:
        conditions.append(exp.GTE(this=exp.column(time_column), expression=binder.bind(where.date_from)))
        applied.add("date")
    if time_column and where.date_to is not None:
        end = where.date_to + dt.timedelta(days=1)
        conditions.append(exp.LT(this=exp.column(time_column), expression=binder.bind(end)))
        applied.add("date")
    for name, values in where.attributes:
        column = t.ROW_ATTRIBUTES.get(name, {}).get(table)
        if column:
            conditions.append(_in(column, values, binder))
            applied.add(name)
    conditions += _customer_conditions(table, where.attributes, binder, strict=False, applied=applied)
    if table not in t.SCOPE_FREE:
        visible = _grants_condition(table, scope.grants, binder)
        if visible is not None:
            conditions.append(visible)
    return conditions


def _projection(table: str, scope: Scope, binder: _Binder) -> list[Any]:
    """Every column, PII columns masked outside `scope.pii_grants` (per row when only some rows show)."""
    masked = t.PII_COLUMNS.get(table, frozenset())
    shown = _grants_condition(table, scope.pii_grants, binder) if masked else None
    if not masked or shown is None:
        return [exp.Star()]
    mask = exp.Literal.string(t.PII_MASK)
    columns: list[Any] = []
    for col in t.table_columns()[table]:
        if col not in masked:
            columns.append(exp.column(col))
        elif isinstance(shown, exp.Boolean):
            columns.append(exp.alias_(mask, col))
        else:
            value = exp.Case(ifs=[exp.If(this=shown.copy(), true=exp.column(col))], default=mask)
            columns.append(exp.alias_(value, col))
    return columns


@lru_cache(maxsize=512)
def _parse(sql: str) -> exp.Query:
    statements = [s for s in sqlglot.parse(sql, read="snowflake") if s is not None]
    if len(statements) != 1:
        raise CompileError(f"expected one statement, found {len(statements)}")
    statement = statements[0]
    if not isinstance(statement, exp.Query):
        raise CompileError("only queries (SELECT / WITH / UNION) may run against the warehouse")
    return statement


def _check_tables(tree: exp.Query) -> list[exp.Table]:
    """The contract tables the query reads; refuses anything that could bypass the rewrite."""
    ctes = {cte.alias_or_name.upper() for cte in tree.find_all(exp.CTE)}
    known = t.table_columns()
    found: list[exp.Table] = []
    for table in tree.find_all(exp.Table):
        name, db = table.name.upper(), table.db.upper()
        if not db and name in ctes:
            continue
        if db != SCHEMA or table.catalog:
            raise CompileError(f"table {table.sql('snowflake')} must be written {SCHEMA}.<TABLE>")
        if name not in known:
            raise CompileError(f"{SCHEMA}.{name} is not a table of the warehouse contract")
        found.append(table)
    return found


def _date_names(where: Restriction) -> dict[str, dt.date | None]:
    """:date_from and :date_to (inclusive), :date_end (the day after), :prev_from (the previous
    period of equal length starts there)."""
    if where.date_from is None or where.date_to is None:
        return {DATE_FROM: where.date_from, DATE_TO: where.date_to}
    length = where.date_to - where.date_from + dt.timedelta(days=1)
    return {
        DATE_FROM: where.date_from,
        DATE_TO: where.date_to,
        "date_end": where.date_to + dt.timedelta(days=1),
        "prev_from": where.date_from - length,
    }


def compile_query(
    sql: str,
    *,
    where: Restriction = EVERYTHING,
    scope: Scope = UNRESTRICTED,
    named: Mapping[str, Any] | None = None,
) -> CompiledQuery:
    """Rewrite `sql` so that every contract table honours `where` and `scope`.

    Named placeholders in the SQL (`:date_from`, `:date_to`, and any in `named`) are bound too. A query
    that names a date placeholder handles dates itself (for example to compare two periods), so the
    date range is then not added to its tables; every other filter and the scope still are.
    """
    tree = _parse(sql).copy()
    names = {**_date_names(where), **(named or {})}
    if any(p.name in DATE_NAMES for p in tree.find_all(exp.Placeholder)):
        where = Restriction(attributes=where.attributes)
    binder = _Binder()
    applied: set[str] = set()

    for placeholder in list(tree.find_all(exp.Placeholder)):
        key = placeholder.name
        if key not in names or names[key] is None:
            raise CompileError(f"placeholder :{key or '?'} has no value")
        placeholder.replace(binder.bind(names[key]))
        if key in DATE_NAMES:
            applied.add("date")

    referenced: set[str] = set()
    for table in _check_tables(tree):
        name = table.name.upper()
        referenced.add(name)
        conditions = _conditions(name, where, scope, binder, applied)
        projection = _projection(name, scope, binder)
        if not conditions and isinstance(projection[0], exp.Star):
            continue
        inner = exp.select(*projection).from_(_table_ref(name))
        if conditions:
            inner = inner.where(exp.and_(*conditions))
        alias = table.alias or name
        table.replace(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(alias))))

    return CompiledQuery(
        sql=tree.sql(dialect="snowflake"),
        params=tuple(binder.params),
        tables=frozenset(referenced),
        applied_filters=frozenset(applied),
    )
