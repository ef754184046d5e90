"""Click to filter: tell the browser which clicked point's value becomes which page filter.

A chart declares `cross_filter = {column: filter parameter}`; this puts, in the figure's
`layout.meta.filter`, the point attribute that carries the column's value (`x`, `y`, `label` for
slices, `name` for a trace drawn per series) and the parameter it sets. static/js/ux.js reads it.
"""

from __future__ import annotations

from ..filters import FILTER_LABELS
from .figures.common import Figure
from .spec import Chart, Kind


def point_attribute(chart: Chart, column: str) -> str:
    """Which attribute of a clicked Plotly point holds `column`'s value, or '' if none does."""
    if column == chart.x:
        return {Kind.DONUT: "label", Kind.TREEMAP: "label", Kind.HBAR: "y", Kind.RADAR: "theta"}.get(
            chart.kind, "x"
        )
    if column == chart.series:
        return "y" if chart.kind is Kind.HEATMAP else "name"
    return ""


def cross_filter_targets(chart: Chart) -> dict[str, dict[str, str]]:
    """{point attribute: {"param": filter parameter, "label": its label}} for the declared columns."""
    targets: dict[str, dict[str, str]] = {}
    for column, param in chart.cross_filter.items():
        attribute = point_attribute(chart, column)
        if attribute and param in FILTER_LABELS:
            targets[attribute] = {"param": param, "label": FILTER_LABELS[param]}
    return targets


def with_cross_filter(figure: Figure, chart: Chart) -> Figure:
    targets = cross_filter_targets(chart)
    if targets:
        layout = figure.setdefault("layout", {})
        layout["meta"] = {**layout.get("meta", {}), "filter": targets}
    return figure
