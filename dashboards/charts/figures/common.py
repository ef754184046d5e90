"""What every figure shares: the layout, value and category axes, and grouping rows into series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from ...warehouse.result import Result
from ..formatting import json_value
from ..palette import DEFAULT_PALETTE, PALETTES
from ..spec import Chart, Fmt

Figure = dict[str, Any]

HOVER_FORMAT = {Fmt.INT: ",.0f", Fmt.PCT: ".1%", Fmt.MONEY: ",.2f", Fmt.FLOAT1: ",.1f", Fmt.FLOAT2: ",.2f"}
TOOLBAR_PX = 28  # the height of Plotly's tool bar (modebar) over a plot's top right corner
# Tick labels get room by automargin, never hidden by Plotly's overflow check ("hide past div", the
# default on number and date axes), which measures every label with a forced layout, each plot, each
# visit: about 20 ms of a workspace's drawing. The labels it hid were the last month's at the right
# edge, which automargin now makes room for.
LABELS_FIT = {"automargin": True, "ticklabeloverflow": "allow"}
# An x-axis title this far below its tick labels, whatever their depth (Plotly's default puts it a
# fixed distance below the axis line: about 26 px under level labels, touching slanted ones); the
# title beside the names of bars across this far from the widest (by default it could run into them).
TITLE_STANDOFF_PX = 8
# Colour-blind-safe continuous scale for heatmaps.
CONTINUOUS_SCALE = "Cividis"


def colors(palette: str) -> tuple[str, ...]:
    return PALETTES.get(palette, PALETTES[DEFAULT_PALETTE])


def layout(chart: Chart, palette: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "colorway": list(colors(palette)),
        # Room for the usual tick labels and axis titles from the start: when labels need more than
        # the margins give, Plotly's automargin grows them and draws the plot a second time. The top
        # keeps the first bar or point clear of the tool bar Plotly shows there on hover.
        "margin": {"l": 66, "r": 16, "t": TOOLBAR_PX, "b": 62},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "showlegend": len(chart.y) + len(chart.y2) > 1 or bool(chart.series),
        # Above the plot, so it never covers the x-axis title on a narrow card.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    }
    if base["showlegend"]:
        base["margin"] = {**base["margin"], "t": 48}
    if chart.height:
        base["height"] = chart.height
    base.update(extra)
    x_axis = base.get("xaxis")
    if isinstance(x_axis, dict) and isinstance(x_axis.get("title"), dict):
        base["xaxis"] = {**x_axis, "title": {"standoff": TITLE_STANDOFF_PX, **x_axis["title"]}}
    return base


def text_px(text: str) -> float:
    """About how wide `text` is at the figures' 13 px sans-serif: digits and capitals are wider."""
    return sum(8.6 if c.isdigit() or c.isupper() else 6.9 if c.isalpha() else 4.5 for c in text)


def label_room(labels: Iterable[object]) -> int:
    """Pixels beside an axis for its widest tick label and its title, at the figures' 13 px font."""
    return round(max((text_px(str(v)) for v in labels), default=0)) + 32


def value_axis(chart: Chart, title: str, fmt: Fmt | None = None) -> dict[str, Any]:
    fmt = fmt or chart.fmt
    axis: dict[str, Any] = {"title": {"text": title}, "zeroline": True, **LABELS_FIT}
    axis["hoverformat"] = HOVER_FORMAT[fmt]
    if fmt is Fmt.PCT:
        axis["tickformat"] = ".0%"
    elif fmt is Fmt.MONEY:
        axis.update(tickformat="~s", tickprefix=settings.CURRENCY_SYMBOL)
    elif fmt is Fmt.INT:
        axis["tickformat"] = ",~r"
    return axis


MONTHS = "%b %Y"


def date_format(dates: Iterable[dt.date]) -> str:
    """How a run of dates reads: with the time where any has one, as months ("Jan 2026") where all are
    firsts of a month, else as days ("05 Jan 2026")."""
    dates = list(dates)
    if any(isinstance(d, dt.datetime) and d.time() != dt.time() for d in dates):
        return "%d %b %H:%M"
    return MONTHS if all(d.day == 1 for d in dates) else "%d %b %Y"


def category_axis(chart: Chart, raw: list[Any]) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": {"text": chart.label(chart.x)}, **LABELS_FIT}
    dates = [v for v in dict.fromkeys(raw) if isinstance(v, dt.date)]
    if dates and all(isinstance(v, dt.date) for v in raw):
        fmt = date_format(dates)
        monthly = fmt == MONTHS
        axis.update(type="date", hoverformat=fmt)
        if len(dates) <= 8:  # few points: label exactly them, not Plotly's in-between ticks
            axis.update(
                tickmode="array",
                tickvals=[json_value(d) for d in dates],
                ticktext=[d.strftime(fmt if monthly else fmt.replace(" %Y", "")) for d in dates],
            )
    elif raw and not all(isinstance(v, (int, float)) for v in raw):
        axis["type"] = "category"
        labels = [str(v) for v in dict.fromkeys(raw)]
        if len(labels) > 4 and max(len(label) for label in labels) > 8:
            axis["tickangle"] = -30  # slanted, not vertical: long category names stay readable
    elif raw and all(isinstance(v, int) and not isinstance(v, bool) for v in raw) and len(set(raw)) <= 12:
        axis["dtick"] = 1  # few whole numbers (stars, counts): a tick for every one
    return axis


def hover_value(fmt: Fmt, axis: str = "y") -> str:
    """A hover template's value part, formatted as the value axis shows it (money with its symbol)."""
    prefix = settings.CURRENCY_SYMBOL if fmt is Fmt.MONEY else ""
    return f"{prefix}%{{{axis}:{HOVER_FORMAT[fmt]}}}"


def hover_category(axis: dict[str, Any], name: str = "x") -> str:
    """A hover template's category part: dates as the axis formats them."""
    if axis.get("type") == "date" and axis.get("hoverformat"):
        return f"%{{{name}|{axis['hoverformat']}}}"
    return f"%{{{name}}}"


def groups(chart: Chart, result: Result) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows split by the `series` column, in order of first appearance (one group without it)."""
    records = result.records()
    if not chart.series:
        return [("", records)]
    out: dict[str, list[dict[str, Any]]] = {}
    for row in records:
        out.setdefault(str(row[chart.series]), []).append(row)
    return list(out.items())


def values(rows: list[dict[str, Any]], column: str) -> list[Any]:
    return [json_value(r[column]) for r in rows]


def hover_columns(chart: Chart) -> list[str]:
    """The columns a point's customdata starts with: the `link` id if set, then the `hover` columns."""
    return list(dict.fromkeys(([chart.link] if chart.link else []) + list(chart.hover)))


def hover(
    chart: Chart, rows: list[dict[str, Any]], values_part: str, tail: tuple[str, ...] = ()
) -> dict[str, Any]:
    """customdata and a hover template: the `hover` columns (the first is the `link` id if set),
    then `values_part`, the point's own values formatted as its axes are. `tail` columns follow in
    customdata (after hover_columns) for `values_part` to show formatted."""
    columns = hover_columns(chart)
    lines = "".join(f"{chart.label(c)}: %{{customdata[{i}]}}<br>" for i, c in enumerate(columns))
    out: dict[str, Any] = {"hovertemplate": f"{lines}{values_part}<extra></extra>"}
    if columns or tail:
        out["customdata"] = [[json_value(r[c]) for c in columns + list(tail)] for r in rows]
    return out


def axis_hover(axis: dict[str, Any], name: str) -> str:
    """A hover value formatted by an axis's own hoverformat and tick prefix/suffix."""
    fmt = axis.get("hoverformat")
    body = f"%{{{name}:{fmt}}}" if fmt else f"%{{{name}}}"
    return f"{axis.get('tickprefix', '')}{body}{axis.get('ticksuffix', '')}"
