"""Turn (chart, result) into a Plotly figure and a plain-language summary.

Figures are plain dicts holding only what the chart draws, so the JSON stays small. The same
result feeds the figure, the "show data" table and the CSV, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings

from ..warehouse.result import Result
from .formatting import fmt_cell, fmt_change, fmt_value, json_value, to_float
from .palette import DEFAULT_PALETTE, PALETTES
from .spec import Chart, Fmt, Kind

Figure = dict[str, Any]

_HOVER_FORMAT = {Fmt.INT: ",.0f", Fmt.PCT: ".1%", Fmt.MONEY: ",.2f", Fmt.FLOAT1: ",.1f", Fmt.FLOAT2: ",.2f"}


def _layout(chart: Chart, palette: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "colorway": list(PALETTES.get(palette, PALETTES[DEFAULT_PALETTE])),
        "margin": {"l": 56, "r": 16, "t": 8, "b": 48},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "showlegend": len(chart.y) > 1,
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    return layout


def _value_axis(chart: Chart, title: str) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": {"text": title}, "zeroline": True, "automargin": True}
    axis["hoverformat"] = _HOVER_FORMAT[chart.fmt]
    if chart.fmt is Fmt.PCT:
        axis["tickformat"] = ".0%"
    elif chart.fmt is Fmt.MONEY:
        axis.update(tickformat="~s", tickprefix=settings.CURRENCY_SYMBOL)
    elif chart.fmt is Fmt.INT:
        axis["tickformat"] = ",~r"
    return axis


def _category_axis(chart: Chart, raw: list[Any]) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": {"text": chart.label(chart.x)}, "automargin": True}
    dates = [v for v in raw if isinstance(v, dt.date)]
    if dates and len(dates) == len(raw):
        monthly = all(d.day == 1 for d in dates)
        axis.update(type="date", hoverformat="%b %Y" if monthly else "%d %b %Y")
        if len(dates) <= 8:  # few points: label exactly them, not Plotly's in-between ticks
            axis.update(
                tickmode="array",
                tickvals=[json_value(d) for d in dates],
                ticktext=[d.strftime("%b %Y" if monthly else "%d %b") for d in dates],
            )
    return axis


def _xy(chart: Chart, result: Result, palette: str) -> Figure:
    raw_x = result.column(chart.x)
    xs = [json_value(v) for v in raw_x]
    horizontal = chart.kind is Kind.HBAR
    traces = []
    for col in chart.y:
        ys = [json_value(v) for v in result.column(col)]
        trace: dict[str, Any] = {"name": chart.label(col)}
        if chart.kind in (Kind.BAR, Kind.HBAR):
            trace.update(type="bar", x=ys if horizontal else xs, y=xs if horizontal else ys)
            if horizontal:
                trace["orientation"] = "h"
        else:
            trace.update(type="scatter", x=xs, y=ys, mode="lines+markers" if len(xs) <= 60 else "lines")
            if chart.kind is Kind.AREA:
                trace["fill"] = "tozeroy"
        traces.append(trace)
    value_axis = _value_axis(chart, chart.label(chart.y[0]) if len(chart.y) == 1 else "")
    category_axis = _category_axis(chart, raw_x)
    if horizontal:
        category_axis["autorange"] = "reversed"
    return {
        "data": traces,
        "layout": _layout(
            chart,
            palette,
            xaxis=value_axis if horizontal else category_axis,
            yaxis=category_axis if horizontal else value_axis,
        ),
    }


def _donut(chart: Chart, result: Result, palette: str) -> Figure:
    trace = {
        "type": "pie",
        "hole": 0.55,
        "labels": [json_value(v) for v in result.column(chart.x)],
        "values": [json_value(v) for v in result.column(chart.y[0])],
        "sort": False,
        "textinfo": "percent",
        "textposition": "inside",
        "hovertemplate": "%{label}: %{value:" + _HOVER_FORMAT[chart.fmt] + "} (%{percent})<extra></extra>",
    }
    return {
        "data": [trace],
        "layout": _layout(chart, palette, showlegend=True, margin={"l": 8, "r": 8, "t": 8, "b": 8}),
    }


def _gauge(chart: Chart, result: Result, palette: str, previous: Result | None) -> Figure:
    row = result.records()[0]
    value = to_float(row[chart.y[0]])
    low, high = to_float(row.get("SCALE_MIN")), to_float(row.get("SCALE_MAX"))
    colors = PALETTES.get(palette, PALETTES[DEFAULT_PALETTE])
    indicator: dict[str, Any] = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": value,
        "number": {"valueformat": _HOVER_FORMAT[chart.fmt]},
        "gauge": {"axis": {"range": [low, high]}, "bar": {"color": colors[0]}},
    }
    prev = to_float(previous.records()[0][chart.y[0]]) if previous and not previous.empty else None
    if prev is not None:
        indicator["mode"] = "gauge+number+delta"
        indicator["delta"] = {"reference": prev, "valueformat": ".2f"}
    return {
        "data": [indicator],
        "layout": _layout(chart, palette, margin={"l": 24, "r": 24, "t": 24, "b": 8}),
    }


def is_empty(chart: Chart, result: Result) -> bool:
    """No rows, or a single-value chart whose value is NULL (an aggregate over no rows)."""
    if result.empty:
        return True
    return chart.kind in (Kind.KPI, Kind.GAUGE) and result.records()[0].get(chart.y[0]) is None


def build_figure(
    chart: Chart, result: Result, *, previous: Result | None = None, palette: str = DEFAULT_PALETTE
) -> Figure | None:
    """The Plotly figure for a chart, or None for kinds drawn as HTML (KPI cards, tables)."""
    if is_empty(chart, result) or chart.kind in (Kind.KPI, Kind.TABLE):
        return None
    if chart.kind is Kind.DONUT:
        return _donut(chart, result, palette)
    if chart.kind is Kind.GAUGE:
        return _gauge(chart, result, palette, previous)
    return _xy(chart, result, palette)


# --- Summaries for screen readers (and for anyone who prefers words) ------------------------------


def _summary_xy(chart: Chart, result: Result) -> str:
    xs = result.column(chart.x)
    parts = [
        f"{len(xs)} values of {chart.label(chart.x).lower()} from {fmt_cell(xs[0])} to {fmt_cell(xs[-1])}."
    ]
    for col in chart.y:
        pairs = [(x, y) for x, y in zip(xs, result.column(col), strict=True) if to_float(y) is not None]
        if not pairs:
            continue
        lo = min(pairs, key=lambda p: float(p[1]))
        hi = max(pairs, key=lambda p: float(p[1]))
        parts.append(
            f"{chart.label(col)}: highest {fmt_value(hi[1], chart.fmt)} at {fmt_cell(hi[0])}, "
            f"lowest {fmt_value(lo[1], chart.fmt)} at {fmt_cell(lo[0])}, "
            f"last {fmt_value(pairs[-1][1], chart.fmt)} at {fmt_cell(pairs[-1][0])}."
        )
    return " ".join(parts)


def _summary_donut(chart: Chart, result: Result) -> str:
    pairs = [
        (x, to_float(y) or 0.0)
        for x, y in zip(result.column(chart.x), result.column(chart.y[0]), strict=True)
    ]
    total = sum(v for _, v in pairs) or 1.0
    shares = ", ".join(f"{fmt_cell(x)} {fmt_value(v, chart.fmt)} ({v / total:.0%})" for x, v in pairs)
    return f"{len(pairs)} parts: {shares}."


def _summary_value(chart: Chart, result: Result, previous: Result | None) -> str:
    row = result.records()[0]
    value = row[chart.y[0]]
    text = f"{chart.title}: {fmt_value(value, chart.fmt)}"
    if "SCALE_MIN" in row and "SCALE_MAX" in row:
        text += f" on a scale from {fmt_cell(row['SCALE_MIN'])} to {fmt_cell(row['SCALE_MAX'])}"
    if previous is not None and not previous.empty:
        prev = previous.records()[0][chart.y[0]]
        text += f"; {fmt_change(value, prev, chart.fmt)} against the previous period ({fmt_value(prev, chart.fmt)})"
    return text + "."


def _summary_table(chart: Chart, result: Result) -> str:
    first = result.rows[0]
    described = ", ".join(
        f"{chart.label(c).lower()} {fmt_cell(v)}" for c, v in zip(result.columns, first, strict=True)
    )
    return f"{len(result.rows)} rows. First row: {described}."


_SUMMARIES: dict[Kind, Callable[[Chart, Result], str]] = {
    Kind.LINE: _summary_xy,
    Kind.AREA: _summary_xy,
    Kind.BAR: _summary_xy,
    Kind.HBAR: _summary_xy,
    Kind.DONUT: _summary_donut,
    Kind.TABLE: _summary_table,
}


def summarize(chart: Chart, result: Result, *, previous: Result | None = None) -> str:
    """A sentence or two describing what the chart shows, generated from the data."""
    if is_empty(chart, result):
        return f"{chart.title}: no data for these filters."
    if chart.kind in (Kind.KPI, Kind.GAUGE):
        return _summary_value(chart, result, previous)
    return _SUMMARIES[chart.kind](chart, result)
