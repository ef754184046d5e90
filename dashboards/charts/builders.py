"""Turn (chart, result) into a Plotly figure and a plain-language summary.

Figures are plain dicts holding only what the chart draws, so the JSON stays small. The same
result feeds the figure, the "show data" table and the CSV, so they cannot disagree. Each family
of kinds lives in dashboards/charts/figures/; this module is the one door to them.
"""

from __future__ import annotations

from collections.abc import Callable

from ..warehouse.result import Result
from .figures import cartesian, parts, room, summaries
from .figures.common import Figure
from .palette import DEFAULT_PALETTE
from .spec import Chart, Kind

__all__ = ["Figure", "build_figure", "is_empty", "summarize"]

_BUILDERS: dict[Kind, Callable[[Chart, Result, str], Figure]] = {
    Kind.LINE: cartesian.xy,
    Kind.AREA: cartesian.xy,
    Kind.BAR: cartesian.xy,
    Kind.HBAR: cartesian.xy,
    Kind.SCATTER: cartesian.scatter,
    Kind.SCATTER3D: cartesian.scatter3d,
    Kind.DONUT: parts.donut,
    Kind.TREEMAP: parts.treemap,
    Kind.SANKEY: parts.sankey,
    Kind.HEATMAP: parts.heatmap,
    Kind.RADAR: parts.radar,
}
_SINGLE_VALUE = (Kind.KPI, Kind.GAUGE)


def is_empty(chart: Chart, result: Result) -> bool:
    """No rows, or a single-value chart whose value is NULL (an aggregate over no rows)."""
    if result.empty:
        return True
    return chart.kind in _SINGLE_VALUE and result.records()[0].get(chart.y[0]) is None


def build_figure(
    chart: Chart, result: Result, *, previous: Result | None = None, palette: str = DEFAULT_PALETTE
) -> Figure | None:
    """The Plotly figure for a chart, or None for kinds drawn as HTML (KPI cards, tables, narratives)."""
    if is_empty(chart, result):
        return None
    if chart.kind is Kind.GAUGE:
        return parts.gauge(chart, result, palette, previous)
    builder = _BUILDERS.get(chart.kind)
    return room.fit(builder(chart, result, palette), chart) if builder else None


def summarize(chart: Chart, result: Result, *, previous: Result | None = None) -> str:
    """A sentence or two describing what the chart shows, generated from the data."""
    if is_empty(chart, result):
        return f"{chart.title}: no data for these filters."
    if chart.kind in _SINGLE_VALUE:
        return summaries.value(chart, result, previous)
    if chart.kind is Kind.NARRATIVE:
        return " ".join(narrate(chart, result, previous))
    return summaries.BY_KIND[chart.kind](chart, result)


def narrate(chart: Chart, result: Result, previous: Result | None) -> list[str]:
    """The sentences of a NARRATIVE chart (dashboards/charts/narrative.py writes them)."""
    from . import narrative  # imported when first needed: only the Insights workspace has one

    return narrative.narrate(chart, result, previous)
