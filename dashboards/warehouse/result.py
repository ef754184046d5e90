"""The values that travel between the query compiler, the warehouse client and the chart builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CompiledQuery:
    """Snowflake-dialect SQL whose values are numbered placeholders (:1, :2, ...) bound to params.

    `params[i]` binds placeholder `:{i+1}`. No value is ever spliced into `sql`.
    """

    sql: str
    params: tuple[Any, ...] = ()
    tables: frozenset[str] = field(default_factory=frozenset)
    applied_filters: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Result:
    """A column/row result. Column names are upper-case, as Snowflake returns unquoted names."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    # The data version the rows were computed from (DuckDB: the file's signature), "" when unknown.
    # A page can compare its fragments' versions, so it never mixes two versions unawares.
    version: str = field(default="", compare=False)

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name.upper())
        return [row[i] for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    @property
    def empty(self) -> bool:
        return not self.rows
