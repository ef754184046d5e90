"""Charts and workspaces as declarations: what a chart runs, how its columns map, what it honours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """How a result is drawn. The column mapping each kind reads:

    KPI        y[0] is the value (one row); compared with the previous period.
    GAUGE      y[0] is the value; optional SCALE_MIN / SCALE_MAX columns give the axis range.
    LINE/AREA  x is time or category, y the value columns; `series` splits long-format rows into one
               trace per value; `stacked` stacks areas (or bars); `y2` columns go on a right-hand axis.
    BAR/HBAR   as LINE; `series` gives grouped (or `stacked`) bars; HBAR is horizontal (funnels too).
    DONUT      x is the label, y[0] the value.
    HEATMAP    x the column category, `series` the row category, y[0] the cell value.
    TREEMAP    x the label, y[0] the size, optional `parent` column.
    SANKEY     x the source node, `target` the target node, y[0] the flow. A label may end in its
               step in parentheses ('web (2nd)'); nodes of the same name share one colour.
    SCATTER    x and y[0] numeric; optional `size` (bubbles), `series` (colour groups), `hover`
               columns, `link` (a CUSTOMER_ID column: clicking a point opens that customer).
    SCATTER3D  x, y[0] and `z` numeric; `series` colours.
    RADAR      x the axis (theta) categories, y[0] the radius; `series` gives one polygon each.
    TABLE      every column as a table; `link` makes that column link to the Customer 360 page,
               `ticket_link` makes that column link to the helpdesk (settings.HELPDESK_TICKET_URL);
               `page_size` pages it in the browser (sortable by clicking a header).
    NARRATIVE  sentences written from the numbers by dashboards.charts.narrative.narrate(chart,
               result, previous); `compare` gives it the previous period too.
    """

    KPI = "kpi"
    LINE = "line"
    AREA = "area"
    BAR = "bar"
    HBAR = "hbar"
    DONUT = "donut"
    GAUGE = "gauge"
    TABLE = "table"
    HEATMAP = "heatmap"
    TREEMAP = "treemap"
    SANKEY = "sankey"
    SCATTER = "scatter"
    SCATTER3D = "scatter3d"
    RADAR = "radar"
    NARRATIVE = "narrative"


class Fmt(StrEnum):
    INT = "int"
    FLOAT2 = "float2"
    FLOAT1 = "float1"
    PCT = "pct"  # a share in [0, 1], shown as a percentage
    MONEY = "money"


@dataclass(frozen=True)
class View:
    """One way to draw a chart, chosen with a button on its card.

    A chart with views draws as its first one (which changes nothing) until the viewer picks another;
    `changes` are the Chart fields that view replaces (its kind and the columns that kind reads). A
    heavy look (3-D) can so wait for a click instead of holding up the whole page."""

    slug: str
    label: str
    changes: Mapping[str, Any] = field(default_factory=dict)


def column_title(column: str) -> str:
    """A result column as a reader names it: "AVERAGE_SENTIMENT" is "Average sentiment"."""
    return column.replace("_", " ").capitalize()


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
    series: str = ""
    stacked: bool = False
    y2: tuple[str, ...] = ()
    size: str = ""
    z: str = ""
    parent: str = ""
    target: str = ""
    hover: tuple[str, ...] = ()
    link: str = ""
    ticket_link: str = ""
    tab: str = ""
    page_size: int = 0
    height: int = 0
    # Columns only the portal reads (e.g. how a narrative formats a value): not in tables or CSVs.
    hidden: tuple[str, ...] = ()
    # Columns that hold money: tables show them with the currency symbol.
    money: tuple[str, ...] = ()
    # Click to filter: a column whose values are a page filter's values, mapped to that filter's
    # parameter (e.g. {"CHURN_RISK": "churn_risk"}); clicking a bar, slice or cell adds the filter.
    cross_filter: Mapping[str, str] = field(default_factory=dict)
    # Other ways to draw this chart (see View); the first is how it draws unless another is asked for.
    views: tuple[View, ...] = ()

    def label(self, column: str) -> str:
        return self.labels.get(column) or column_title(column)

    def view(self, slug: str) -> Chart | None:
        """This chart drawn as its view `slug` (None when it has no such view)."""
        chosen = next((v for v in self.views if v.slug == slug), None)
        return None if chosen is None else replace(self, **chosen.changes)


@dataclass(frozen=True)
class Workspace:
    slug: str
    title: str
    description: str
    charts: tuple[Chart, ...]

    @property
    def tabs(self) -> tuple[str, ...]:
        """Tab names in declaration order; empty when the workspace has no tabs."""
        return tuple(dict.fromkeys(c.tab for c in self.charts if c.tab))

    def shown_tab(self, tab: str) -> str:
        """The tab a view shows: the one it names, else the first ("" for a workspace without tabs)."""
        return tab or next(iter(self.tabs), "")

    def on_tab(self, tab: str) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if not c.tab or c.tab == tab)

    def chart(self, chart_id: str) -> Chart | None:
        return next((c for c in self.charts if c.id == chart_id), None)

    @property
    def kpis(self) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if c.kind is Kind.KPI)

    @property
    def panels(self) -> tuple[Chart, ...]:
        return tuple(c for c in self.charts if c.kind is not Kind.KPI)


def kpi(folder: str, id: str, title: str, fmt: Fmt, description: str, better: str = "up") -> Chart:
    """A KPI card: sql/queries/<folder>/<id>.sql returns one row with VALUE, compared with the previous period."""
    return Chart(
        id=id,
        title=title,
        sql=f"{folder}/{id}.sql",
        kind=Kind.KPI,
        y=("VALUE",),
        fmt=fmt,
        compare=True,
        better=better,
        description=description,
    )
