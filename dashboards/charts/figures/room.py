"""Margins a figure's labels will need, given from the start.

When tick labels, a legend or slanted names need more room than the layout's margins give, Plotly's
automargin grows the margins and draws the plot a second time, which doubles its drawing time. The
estimates here (text at the figures' 13 px font, a card's width at a desktop's three-column grid)
give the usual case its room at once; automargin still corrects a miss, at the cost of that redraw.
"""

from __future__ import annotations

import math
from typing import Any

from ..spec import Chart
from .common import Figure, text_px

# A plot's width in a card `width` columns wide on a 1280 px screen (a phone's card is about the first).
CARD_PX = {1: 300, 2: 640, 3: 990}
# A legend entry is Plotly's symbol (30 px) with a 5 px gap either side, then its name (and 4 px of
# slack: the names' widths are estimates); entries are 5 px apart.
LEGEND_SYMBOL_PX = 44
LEGEND_GAP_PX = 5
LEGEND_ROW_PX = 20
LEGEND_TOP_PX = 31  # above the first legend row: the tool bar's clearance and the legend's padding
DATE_TICKS_FLAT = 8  # more dates than this on a one-column card and Plotly slants their labels
DATE_TWO_LINES_PX = 66  # below level dates, the first of which carries its year on a second line
# Below a category axis whose names turn (set to 30 degrees, or Plotly's choice where level names
# would overlap: 30 degrees, or upright where even that is too tight): the names' depth, then
# X_TITLE_PX for the title's standoff and the title.
SLANT_DEPTH_PX = 11  # at 30 degrees the depth is half the longest name plus this (about one line)
TICK_GAP_PX = 10  # the least space Plotly leaves between two level tick labels
UPRIGHT_SLOT_PX = 30  # names closer than this overlap even at 30 degrees: Plotly stands them upright
UPRIGHT_PAD_PX = 15  # below upright names: the gap to the axis and the rounding of their estimate
SLANT_LEFT_PAD_PX = 6  # left of the first slanted name
X_TITLE_PX = 40
# Beside a value axis: its widest tick label, then the gap and the rotated title.
VALUE_TITLE_PX = 30


def legend_rows(names: list[str], width: float) -> int:
    """Rows a horizontal legend of `names` takes in `width` pixels, laid out as Plotly does: one row
    when every entry fits side by side, else a grid whose columns are all as wide as the widest entry."""
    items = [LEGEND_SYMBOL_PX + text_px(name) for name in names]
    if not items:
        return 0
    if sum(items) + LEGEND_GAP_PX * (len(items) - 1) < width:
        return 1
    column = max(items) + LEGEND_GAP_PX
    per_row = 1
    while (per_row + 1) * column - LEGEND_GAP_PX < width:
        per_row += 1
    return math.ceil(len(items) / per_row)


def _legend_names(figure: Figure) -> list[str]:
    names: list[str] = []
    for trace in figure["data"]:
        if trace.get("type") == "pie":  # a pie's legend names its slices
            names += [str(label) for label in trace.get("labels") or ()]
        elif trace.get("showlegend", True):
            names.append(str(trace.get("name", "")))
    return names


def _name_angle(widest: float, slot: float, tickangle: object) -> int:
    """How far a category axis's names turn (0, 30 or 90 degrees): as set, or as Plotly chooses,
    level if they fit their share of the plot, else 30 degrees, else upright."""
    if tickangle is not None:
        return 30 if tickangle == -30 else 0
    if widest + TICK_GAP_PX <= slot:
        return 0
    return 90 if slot < UPRIGHT_SLOT_PX else 30


def margins(figure: Figure, width: int) -> dict[str, Any]:
    """The margins `figure` needs on a card `width` columns wide: legend rows above, slanted names
    below, the widest whole-number tick label on the left."""
    layout: dict[str, Any] = figure["layout"]
    margin = dict(layout["margin"])
    plot_px = CARD_PX.get(width, CARD_PX[1]) - margin.get("l", 0) - margin.get("r", 0)
    legend = layout.get("legend", {})
    if layout.get("showlegend") and legend.get("orientation") == "h":
        rows = legend_rows(_legend_names(figure), plot_px)
        margin["t"] = max(margin.get("t", 0), LEGEND_TOP_PX + LEGEND_ROW_PX * rows)
    x_axis = layout.get("xaxis")
    if x_axis is None:  # pies, treemaps, sankeys, gauges, 3D scenes: no axes to fit
        return margin
    order = list(dict.fromkeys(str(x) for t in figure["data"] for x in t.get("x") or ()))
    if x_axis.get("type") == "date":
        # Level dates may take two lines (the year under the first); a one-column card slants many.
        slanted = width == 1 and len(order) > DATE_TICKS_FLAT
        margin["b"] = max(margin.get("b", 0), 78 if slanted else DATE_TWO_LINES_PX)
    elif x_axis.get("type") == "category" and order:
        slot = plot_px / len(order)
        widest = max(text_px(name) for name in order)
        angle = _name_angle(widest, slot, x_axis.get("tickangle"))
        if angle == 30:
            margin["b"] = max(margin.get("b", 0), round(widest / 2 + SLANT_DEPTH_PX + X_TITLE_PX))
            # The first name runs left and down from its tick: a long one reaches past the plot's edge.
            overhang = text_px(order[0]) * math.cos(math.radians(30)) - slot / 2
            margin["l"] = max(margin.get("l", 0), round(overhang + SLANT_LEFT_PAD_PX))
        elif angle == 90:
            margin["b"] = max(margin.get("b", 0), round(widest + UPRIGHT_PAD_PX + X_TITLE_PX))
    y_axis = layout.get("yaxis") or {}
    if y_axis.get("tickformat") == ",~r":  # whole numbers across, on the left
        totals: dict[Any, float] = {}
        stacked = layout.get("barmode") == "stack" or any(t.get("stackgroup") for t in figure["data"])
        for index, trace in enumerate(figure["data"]):
            if trace.get("yaxis", "y") != "y" or trace.get("orientation") == "h":
                continue
            for x, y in zip(trace.get("x") or (), trace.get("y") or (), strict=False):
                if isinstance(y, (int, float)) and not isinstance(y, bool):
                    key = x if stacked else (index, x)
                    totals[key] = totals.get(key, 0.0) + abs(y)
        if totals:
            widest = text_px(f"{max(totals.values()):,.0f}")
            margin["l"] = max(margin.get("l", 0), round(widest + VALUE_TITLE_PX))
    return margin


def fit(figure: Figure, chart: Chart) -> Figure:
    """`figure` with the margins its card needs. Where other widths need others, `layout.meta` carries
    them: `narrow_margin` a one-column card's, which a phone draws every card at (static/js/plots.js),
    and `paper_margin` a three-column card's, about the width a PDF draws it at (exports/images.py)."""
    layout: dict[str, Any] = figure["layout"]
    if not layout.get("margin"):
        return figure
    fitted = {**layout, "margin": margins(figure, chart.width)}
    meta = dict(layout.get("meta", {}))
    for key, width in (("narrow_margin", 1), ("paper_margin", 3)):
        other = margins(figure, width) if width != chart.width else fitted["margin"]
        if other != fitted["margin"]:
            meta[key] = other
    if meta:
        fitted["meta"] = meta
    return {**figure, "layout": fitted}
