"""Margins a figure's labels will need, given from the start.

When tick labels, a legend or slanted dates need more room than the layout's margins give, Plotly's
automargin grows the margins and draws the plot a second time, which doubles its drawing time. The
estimates here (text at the figures' 13 px font, a card's width at a desktop's three-column grid)
give the usual case its room at once; automargin still corrects a miss, at the cost of that redraw.
"""

from __future__ import annotations

from typing import Any

from ..spec import Chart
from .common import Figure, text_px

# A plot's width in a card `width` columns wide on a 1280 px screen (a phone's card is about the first).
CARD_PX = {1: 300, 2: 640, 3: 990}
LEGEND_ITEM_PX = 46  # the symbol, its gap and the space after an entry
LEGEND_ROW_PX = 20
DATE_TICKS_FLAT = 8  # more dates than this on a one-column card and Plotly slants their labels


def legend_rows(names: list[str], width: float) -> int:
    """Rows a horizontal legend of `names` wraps to in `width` pixels."""
    rows, used = 1, 0.0
    for name in names:
        item = LEGEND_ITEM_PX + text_px(name)
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def fit(figure: Figure, chart: Chart) -> Figure:
    """`figure` with its top margin sized for its legend rows and its bottom for slanted dates."""
    layout: dict[str, Any] = figure["layout"]
    margin = layout.get("margin")
    if not margin or "xaxis" not in layout:  # pies, treemaps, sankeys, gauges: no axes to fit
        return figure
    margin = dict(margin)
    plot_px = CARD_PX.get(chart.width, CARD_PX[1]) - margin.get("l", 0)
    legend = layout.get("legend", {})
    if layout.get("showlegend") and legend.get("orientation") == "h":
        names = [str(t.get("name", "")) for t in figure["data"] if t.get("showlegend", True)]
        margin["t"] = max(margin.get("t", 0), 26 + LEGEND_ROW_PX * legend_rows(names, plot_px))
    x_axis = layout["xaxis"]
    if x_axis.get("type") == "date" and chart.width == 1:  # a wider card keeps its dates level
        dates = {x for t in figure["data"] for x in t.get("x") or ()}
        if len(dates) > DATE_TICKS_FLAT:
            margin["b"] = max(margin.get("b", 0), 78)
    return {**figure, "layout": {**layout, "margin": margin}}
