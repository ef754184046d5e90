"""Charts and workspaces as declarations: what a chart runs, how its columns map, what it honours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    KPI = "kpi"
    LINE = "line"
    AREA = "area"
    BAR = "bar"
    HBAR = "hbar"
    DONUT = "donut"
    GAUGE = "gauge"
    TABLE = "table"


class Fmt(StrEnum):
    INT = "int"
    FLOAT2 = "float2"
    FLOAT1 = "float1"
    PCT = "pct"  # a share in [0, 1], shown as a percentage
    MONEY = "money"


@dataclass(frozen=True)
class Chart:
    """One chart: an id, a title, the SQL file it runs and how the result's columns are drawn.

    `x` names the category or time column; `y` the value columns (upper-case, as results return
    them). `compare` also runs the query for the previous period of equal length (KPIs, gauges).
    `better` says which direction of change is good ("up", "down" or "" for neither).
    """

    id: str
    title: str
    sql: str
    kind: Kind
    description: str
    x: str = ""
    y: tuple[str, ...] = ()
    fmt: Fmt = Fmt.FLOAT2
    compare: bool = False
    better: str = "up"
    width: int = 1
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return self.labels.get(column) or column.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Workspace:
    slug: str
    title: str
    description: str
    charts: tuple[Chart, ...]

    def chart(self, chart_id: str) -> Chart | None:
        return next((c for c in self.charts if c.id == chart_id), None)

    @property
    def kpis(self) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if c.kind is Kind.KPI)

    @property
    def panels(self) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if c.kind is not Kind.KPI)
