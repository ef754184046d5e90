"""Charts of parts and flows: donut, treemap, sankey, heatmap, radar, and the gauge."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ...warehouse.result import Result
from ..formatting import json_value, to_float
from ..spec import Chart
from .common import (
    CONTINUOUS_SCALE,
    HOVER_FORMAT,
    TOOLBAR_PX,
    Figure,
    colors,
    date_format,
    groups,
    hover_value,
    label_room,
    layout,
    values,
)

_TIGHT = {"l": 8, "r": 8, "t": 8, "b": 8}
HEATMAP_LEFT_PX = 104


def donut(chart: Chart, result: Result, palette: str) -> Figure:
    trace = {
        "type": "pie",
        "hole": 0.55,
        "labels": [json_value(v) for v in result.column(chart.x)],
        "values": [json_value(v) for v in result.column(chart.y[0])],
        "sort": False,
        "textinfo": "percent",
        "textposition": "inside",
        "hovertemplate": f"%{{label}}: {hover_value(chart.fmt, 'value')} (%{{percent}})<extra></extra>",
    }
    return {"data": [trace], "layout": layout(chart, palette, showlegend=True, margin=_TIGHT)}


def treemap(chart: Chart, result: Result, palette: str) -> Figure:
    rows = result.records()
    labels = [str(r[chart.x]) for r in rows]
    sizes = [to_float(r[chart.y[0]]) or 0.0 for r in rows]
    parents = [str(r[chart.parent]) if chart.parent and r[chart.parent] is not None else "" for r in rows]
    ids = [f"{p}/{label}" if p else label for p, label in zip(parents, labels, strict=True)]
    # Parents that are not rows themselves become nodes holding the sum of their children.
    missing = [p for p in dict.fromkeys(parents) if p and p not in ids]
    totals = [sum(size for size, q in zip(sizes, parents, strict=True) if q == p) for p in missing]
    trace = {
        "type": "treemap",
        "ids": ids + missing,
        "labels": labels + missing,
        "parents": parents + [""] * len(missing),
        "values": sizes + totals,
        "branchvalues": "total",
        "textinfo": "label+value+percent root",
        "hovertemplate": f"%{{label}}: {hover_value(chart.fmt, 'value')}<extra></extra>",
    }
    return {"data": [trace], "layout": layout(chart, palette, showlegend=False, margin=_TIGHT)}


def _translucent(hex_color: str, alpha: float = 0.35) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


# A node label's trailing step in parentheses: "web (2nd)", "Billing (next)".
_STEP = re.compile(r"\s*\([^()]*\)$")


def node_kind(label: str) -> str:
    """What a flow node stands for, without the step its label carries to keep the flow acyclic:
    "web (1st)" and "web (2nd)" are both "web", "Billing (next)" is "Billing"."""
    return _STEP.sub("", label) or label


def sankey(chart: Chart, result: Result, palette: str) -> Figure:
    rows = result.records()
    nodes = list(dict.fromkeys([str(r[chart.x]) for r in rows] + [str(r[chart.target]) for r in rows]))
    index = {name: i for i, name in enumerate(nodes)}
    sources = {str(r[chart.x]) for r in rows}
    # One colour per thing a node stands for, so a channel or category keeps its colour at every step.
    palette_colors = colors(palette)
    kinds = {kind: i for i, kind in enumerate(dict.fromkeys(node_kind(n) for n in nodes))}
    node_colors = [palette_colors[kinds[node_kind(n)] % len(palette_colors)] for n in nodes]
    value = hover_value(chart.fmt, "value")
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "node": {
            "label": nodes,
            "pad": 12,
            "thickness": 14,
            "color": node_colors,
            # Hover names the node in full even where its label is short (below).
            "customdata": nodes,
            "hovertemplate": f"%{{customdata}}: {value}<extra></extra>",
        },
        "link": {
            # Explicit colours: on a transparent background Plotly would draw the links white.
            "color": [_translucent(node_colors[index[str(r[chart.x])]]) for r in rows],
            "source": [index[str(r[chart.x])] for r in rows],
            "target": [index[str(r[chart.target])] for r in rows],
            "value": [json_value(r[chart.y[0]]) for r in rows],
            "customdata": [f"{r[chart.x]} → {r[chart.target]}" for r in rows],
            "hovertemplate": f"%{{customdata}}: {value}<extra></extra>",
        },
        # A flow of three or more steps has labels between its columns from both sides: on a narrow
        # screen they run into each other, and the page labels the nodes without their step (the
        # column says it; fit() in static/js/plots.js).
        "meta": {
            "short_labels": [node_kind(n) for n in nodes],
            "steps": len({n[len(node_kind(n)) :] for n in nodes}),
            # The last column's nodes (never a source), which a plot too narrow for labels from both
            # sides of the last gap leaves unlabelled: their colours are the earlier columns'.
            "ends": [n not in sources for n in nodes],
        },
    }
    return {"data": [trace], "layout": layout(chart, palette, showlegend=False, margin=_TIGHT)}


def _cell_namer(chart: Chart, result: Result, column: str) -> Callable[[Any], Any]:
    """How a heatmap names its rows or columns: dates as people read them ("Jan 2026" for months), but
    only where a click does not hand the value to a page filter, which needs it as it is."""
    raw = [v for v in result.column(column) if v is not None]
    dates = bool(raw) and all(
        isinstance(v, dt.date) and (not isinstance(v, dt.datetime) or v.time() == dt.time()) for v in raw
    )
    if not dates or column in chart.cross_filter:
        return json_value
    fmt = date_format(raw)
    return lambda v: v.strftime(fmt) if isinstance(v, dt.date) else json_value(v)


def heatmap(chart: Chart, result: Result, palette: str) -> Figure:
    rows = result.records()
    x_name, y_name = _cell_namer(chart, result, chart.x), _cell_namer(chart, result, chart.series)
    xs = list(dict.fromkeys(x_name(r[chart.x]) for r in rows))
    ys = list(dict.fromkeys(y_name(r[chart.series]) for r in rows))
    cells: dict[tuple[Any, Any], Any] = {
        (y_name(r[chart.series]), x_name(r[chart.x])): json_value(r[chart.y[0]]) for r in rows
    }
    trace = {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "z": [[cells.get((y, x)) for x in xs] for y in ys],
        "colorscale": CONTINUOUS_SCALE,
        "hovertemplate": (
            f"{chart.label(chart.series)}: %{{y}}<br>{chart.label(chart.x)}: %{{x}}<br>"
            f"{chart.label(chart.y[0])}: {hover_value(chart.fmt, 'z')}<extra></extra>"
        ),
        "colorbar": {"thickness": 10, "outlinewidth": 0},
    }
    axes = {
        "xaxis": {
            "title": {"text": chart.label(chart.x)},
            "type": "category",
            "automargin": True,
            "dtick": 1,
        },
        # First row on top, as the rows are read (and as cohort tables are laid out).
        "yaxis": {
            "title": {"text": chart.label(chart.series)},
            "type": "category",
            "automargin": True,
            "autorange": "reversed",
        },
    }
    # Row names on the left, the colour bar on the right: room for both from the start (short names
    # need more than their estimate: "Jan 2026" took 101 px, "Medium" 92).
    margin = {"l": max(HEATMAP_LEFT_PX, label_room(ys) + 6), "r": 84, "t": TOOLBAR_PX, "b": 62}
    return {"data": [trace], "layout": layout(chart, palette, showlegend=False, margin=margin, **axes)}


def radar(chart: Chart, result: Result, palette: str) -> Figure:
    traces = []
    for name, rows in groups(chart, result):
        theta = [str(r[chart.x]) for r in rows]
        r = values(rows, chart.y[0])
        traces.append(
            {
                "type": "scatterpolar",
                "name": name or chart.label(chart.y[0]),
                "theta": [*theta, theta[0]],
                "r": [*r, r[0]],
                "fill": "toself",
                "opacity": 0.7,
                "hovertemplate": (
                    f"{name + '<br>' if name else ''}%{{theta}}: {hover_value(chart.fmt, 'r')}<extra></extra>"
                ),
            }
        )
    # Tick labels along one spoke, small and angled away from the centre, so they do not pile up there.
    radial = {"visible": True, "angle": 90, "tickangle": 90, "tickfont": {"size": 10}, "nticks": 4}
    return {"data": traces, "layout": layout(chart, palette, polar={"radialaxis": radial})}


def gauge(chart: Chart, result: Result, palette: str, previous: Result | None) -> Figure:
    row = result.records()[0]
    value = to_float(row[chart.y[0]])
    low, high = to_float(row.get("SCALE_MIN")), to_float(row.get("SCALE_MAX"))
    indicator: dict[str, Any] = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": value,
        "number": {"valueformat": HOVER_FORMAT[chart.fmt]},
        "gauge": {"axis": {"range": [low, high]}, "bar": {"color": colors(palette)[0]}},
    }
    prev = to_float(previous.records()[0][chart.y[0]]) if previous and not previous.empty else None
    if prev is not None:
        indicator["mode"] = "gauge+number+delta"
        indicator["delta"] = {"reference": prev, "valueformat": ".2f"}
    return {"data": [indicator], "layout": layout(chart, palette, margin={"l": 24, "r": 24, "t": 24, "b": 8})}
