"""Run a SQL file from sql/queries/ for a viewer: load, compile with filters and scope, run (cached)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from accounts.access import Viewer

from .warehouse import client
from .warehouse.compiler import EVERYTHING, Grants, Restriction, Scope, compile_query
from .warehouse.result import CompiledQuery, Result

SQL_DIR = Path(settings.BASE_DIR) / "sql" / "queries"


@cache
def sql_text(name: str) -> str:
    """The text of sql/queries/<name>; names are declared in code, never taken from a request."""
    path = (SQL_DIR / name).resolve()
    if SQL_DIR.resolve() not in path.parents:
        raise ValueError(f"{name} is outside sql/queries")
    return path.read_text()


def scope_of(viewer: Viewer) -> Scope:
    """The compiler's form of the viewer's scope: the same disjunction of grants, and where PII shows."""
    if not viewer.pii:
        pii_grants: Grants = ()
    else:
        pii_grants = (viewer.pii_scope or viewer.scope).grants
    return Scope(grants=viewer.scope.grants, pii_grants=pii_grants, label=viewer.username)


COMPILE_CACHE_SIZE = 4096  # distinct (file, filters, scope, named) in one process; each entry is a few kB

Named = tuple[tuple[str, Any], ...]


@lru_cache(maxsize=COMPILE_CACHE_SIZE)
def _compiled(sql: str, where: Restriction, scope: Scope, named: Named) -> CompiledQuery:
    return compile_query(sql, where=where, scope=scope, named=dict(named))


def compile_file(
    name: str, *, viewer: Viewer, where: Restriction = EVERYTHING, named: Mapping[str, Any] | None = None
) -> CompiledQuery:
    """The compiled query, compiled once per (file, filters, scope, named values) in this process.

    The output depends on nothing else: the key holds the SQL text itself, and `Scope` compares by its grants
    (its label is left out of equality), so two viewers with the same scope share one entry.
    """
    return compile_sql(sql_text(name), where=where, scope=scope_of(viewer), named=named)


def compile_sql(
    sql: str, *, where: Restriction = EVERYTHING, scope: Scope, named: Mapping[str, Any] | None = None
) -> CompiledQuery:
    """`compile_query`, once per (SQL text, filters, scope, named values) in this process."""
    items: Named = tuple(sorted((named or {}).items()))
    try:
        return _compiled(sql, where, scope, items)
    except TypeError:  # an unhashable named value: compile without the cache
        return compile_query(sql, where=where, scope=scope, named=named)


def run_file(
    name: str, *, viewer: Viewer, where: Restriction = EVERYTHING, named: Mapping[str, Any] | None = None
) -> Result:
    query = compile_file(name, viewer=viewer, where=where, named=named)
    return client.run(query, user_tag=viewer.query_tag, snowflake_role=viewer.snowflake_role)
