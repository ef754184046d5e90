"""Charts on x/y axes: lines, areas, bars (grouped, stacked, dual axis), scatter and bubbles, 3D."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...warehouse.result import Result
from ..spec import Chart, Fmt, Kind
from .common import (
    TITLE_STANDOFF_PX,
    Figure,
    axis_hover,
    category_axis,
    groups,
    hover,
    hover_category,
    hover_columns,
    hover_value,
    label_room,
    layout,
    value_axis,
    values,
)

OVERHANG_PX = 30  # half of a wide last tick label ("18,000") on a value axis across, past the plot

Y2_TITLE_CHARS = 24  # a right-axis title longer than this puts each series on a line of its own


def _trace(chart: Chart, name: str, xs: list[Any], ys: list[Any]) -> dict[str, Any]:
    horizontal = chart.kind is Kind.HBAR
    if chart.kind in (Kind.BAR, Kind.HBAR):
        trace: dict[str, Any] = {
            "type": "bar",
            "name": name,
            "x": ys if horizontal else xs,
            "y": xs if horizontal else ys,
        }
        if horizontal:
            trace["orientation"] = "h"
        return trace
    trace = {
        "type": "scatter",
        "name": name,
        "x": xs,
        "y": ys,
        "mode": "lines+markers" if len(xs) <= 60 else "lines",
    }
    if chart.kind is Kind.AREA:
        if chart.stacked:
            trace["stackgroup"] = "one"
        else:
            trace["fill"] = "tozeroy"
    return trace


def _right_axis_format(chart: Chart, result: Result) -> Fmt:
    """Whole numbers when every value on the right-hand axis is one (ticket and unit counts), else two
    decimals (averages): a count never hovers as "2,399.00"."""
    numbers = [v for col in chart.y2 for v in result.column(col) if v is not None]
    whole = bool(numbers) and all(
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, Decimal) and v.is_finite() and int(v.as_tuple().exponent) >= 0)
        for v in numbers
    )
    return Fmt.INT if whole else Fmt.FLOAT2


def xy(chart: Chart, result: Result, palette: str) -> Figure:
    traces: list[dict[str, Any]] = []
    for name, rows in groups(chart, result):
        xs = values(rows, chart.x)
        for col in chart.y:
            label = (
                name
                if chart.series and len(chart.y) == 1
                else " ".join(filter(None, [name, chart.label(col)]))
            )
            traces.append(_trace(chart, label, xs, values(rows, col)))
    xs_all = values(result.records(), chart.x)
    for col in chart.y2:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": chart.label(col),
                "x": xs_all,
                "y": values(result.records(), col),
                "yaxis": "y2",
            }
        )
    horizontal = chart.kind is Kind.HBAR
    y_title = chart.label(chart.y[0]) if len(chart.y) == 1 else ""
    v_axis = value_axis(chart, y_title)
    c_axis = category_axis(chart, result.column(chart.x))
    left = 0
    if horizontal:
        c_axis["autorange"] = "reversed"
        c_axis.pop("tickangle", None)  # names on a vertical axis read level, never slanted
        c_axis["title"] = {**c_axis["title"], "standoff": TITLE_STANDOFF_PX}  # clear of the widest name
        left = label_room(dict.fromkeys(result.column(chart.x)))
    # Hover text formatted as the axes are: "4 Nov 2026 · Average sentiment: 0.32", money with its symbol.
    cat, val = ("y", "x") if horizontal else ("x", "y")
    y2_fmt = _right_axis_format(chart, result)
    for trace in traces:
        fmt = y2_fmt if trace.get("yaxis") == "y2" else chart.fmt
        trace["hovertemplate"] = (
            f"{hover_category(c_axis, cat)}<br>{trace['name'] or y_title or 'Value'}: "
            f"{hover_value(fmt, val)}<extra></extra>"
        )
    extra: dict[str, Any] = {
        "xaxis": v_axis if horizontal else c_axis,
        "yaxis": c_axis if horizontal else v_axis,
    }
    if chart.kind in (Kind.BAR, Kind.HBAR):
        extra["barmode"] = "stack" if chart.stacked else "group"
    if chart.y2:
        # Name every series on it, on one line when short; a longer title on one line outgrew the plot's
        # height on a phone (where the legend wraps) and was cut off at both ends.
        names = [chart.label(c) for c in chart.y2]
        one_line = " · ".join(names)
        two_lines = len(one_line) > Y2_TITLE_CHARS
        second = value_axis(chart, "<br>".join(names) if two_lines else one_line, y2_fmt)
        # Round numbers of its own (Plotly's default for a second axis puts its ticks level with the
        # left axis's grid lines, at values like 2083 and 2399); it draws no grid lines to clash.
        second.update(overlaying="y", side="right", showgrid=False, zeroline=False, tickmode="auto")
        extra["yaxis2"] = second
        extra["margin"] = {"l": 66, "r": 84 if two_lines else 66, "t": 48, "b": 62}
    drawn = layout(chart, palette, **extra)
    if horizontal:  # room for the row names, and for the last value tick's overhang on the right
        drawn["margin"] = {**drawn["margin"], "l": max(left, drawn["margin"]["l"]), "r": OVERHANG_PX}
    return {"data": traces, "layout": drawn}


def _sizes(rows: list[dict[str, Any]], column: str, result: Result) -> list[float]:
    """Bubble diameters in px, area in proportion to the value, on one scale for every colour group.
    Beyond 200 points the largest is smaller, so a crowd of bubbles stays readable."""
    everyone = [float(v or 0) for v in result.column(column)]
    biggest = max(everyone, default=0) or 1.0
    span = 34 if len(everyone) <= 200 else 16
    return [6 + span * (float(r[column] or 0) / biggest) ** 0.5 for r in rows]


def scatter(chart: Chart, result: Result, palette: str) -> Figure:
    raw_x = result.column(chart.x)
    whole_x = bool(raw_x) and all(isinstance(v, int) and not isinstance(v, bool) for v in raw_x)
    x_axis = {
        **value_axis(chart, chart.label(chart.x), Fmt.INT if whole_x else Fmt.FLOAT2),
        "zeroline": False,
    }
    if whole_x and len(set(raw_x)) <= 12:
        x_axis["dtick"] = 1  # few whole numbers on x (stars): a tick for every one
    y_axis = {**value_axis(chart, chart.label(chart.y[0])), "zeroline": False}
    point = (
        f"{chart.label(chart.x)}: {axis_hover(x_axis, 'x')}<br>"
        f"{chart.label(chart.y[0])}: {axis_hover(y_axis, 'y')}"
    )
    tail: tuple[str, ...] = ()
    if chart.size and chart.size not in hover_columns(chart):  # the bubble's value, after them in customdata
        tail = (chart.size,)
        point += f"<br>{chart.label(chart.size)}: %{{customdata[{len(hover_columns(chart))}]:,}}"
    # A white outline sets overlapping points apart; beyond 500 points it costs a fifth of the drawing
    # time, and opacity alone shows the overlaps.
    outline = {"line": {"width": 0.5, "color": "#ffffff"}} if len(raw_x) <= 500 else {}
    traces = []
    for name, rows in groups(chart, result):
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "markers",
            "name": name or chart.label(chart.y[0]),
            "x": values(rows, chart.x),
            "y": values(rows, chart.y[0]),
            "marker": {
                "size": _sizes(rows, chart.size, result) if chart.size else 7,
                "opacity": 0.75,
                **outline,
            },
            **hover(chart, rows, (f"{name}<br>" if chart.series else "") + point, tail),
        }
        traces.append(trace)
    extra: dict[str, Any] = {"xaxis": x_axis, "yaxis": y_axis}
    if chart.link:
        extra["meta"] = {"link": "customer"}
    drawn = layout(chart, palette, **extra)
    drawn["margin"] = {**drawn["margin"], "r": OVERHANG_PX}  # the last x tick's overhang
    if chart.size:  # a legend entry shows its colour at one size, not its first bubble's
        drawn["legend"] = {**drawn["legend"], "itemsizing": "constant"}
    return {"data": traces, "layout": drawn}


def _axis3d(chart: Chart, column: str, fmt: Fmt) -> dict[str, Any]:
    """A 3D scene axis: its title and the value axis's number format (money with its symbol)."""
    axis = value_axis(chart, chart.label(column), fmt)
    keep = ("title", "hoverformat", "tickformat", "tickprefix")
    # At most about five ticks: WebGL draws each tick label as triangulated text, the costliest part
    # of the scene after the points (software rendering without a GPU takes ~30 ms per axis label).
    return {**{k: v for k, v in axis.items() if k in keep}, "nticks": 5}


def scatter3d(chart: Chart, result: Result, palette: str) -> Figure:
    # The chart's own format is the z value's (e.g. lifetime value); x and y are counts of days/orders.
    scene_axes = {
        "xaxis": _axis3d(chart, chart.x, Fmt.INT),
        "yaxis": _axis3d(chart, chart.y[0], Fmt.INT),
        "zaxis": _axis3d(chart, chart.z, chart.fmt),
    }
    point = "<br>".join(
        f"{chart.label(column)}: {axis_hover(scene_axes[name + 'axis'], name)}"
        for name, column in (("x", chart.x), ("y", chart.y[0]), ("z", chart.z))
    )
    traces = [
        {
            "type": "scatter3d",
            "mode": "markers",
            "name": name or chart.label(chart.z),
            "x": values(rows, chart.x),
            "y": values(rows, chart.y[0]),
            "z": values(rows, chart.z),
            "marker": {"size": 3, "opacity": 0.8},
            **hover(chart, rows, (f"{name}<br>" if chart.series else "") + point),
        }
        for name, rows in groups(chart, result)
    ]
    # The camera a little further out than Plotly's default (1.25, 1.25, 1.25) and the scene's
    # axis titles given room, so the floor axes' titles are not cut off at the card's bottom edge.
    scene: dict[str, Any] = {
        **scene_axes,
        "camera": {"eye": {"x": 1.6, "y": 1.6, "z": 0.9}, "center": {"x": 0, "y": 0, "z": -0.1}},
        "aspectmode": "cube",
    }
    extra: dict[str, Any] = {"scene": scene, "margin": {"l": 8, "r": 8, "t": 40, "b": 16}}
    if chart.link:
        extra["meta"] = {"link": "customer"}
    return {"data": traces, "layout": layout(chart, palette, **extra)}
