"""Mark the first and last periods of a weekly or monthly time axis that the date range cuts short.

A week or month only partly inside the range holds fewer days, so its bar or point drops; a shaded
band labelled "partial" says why. Periods are recognised from the x values themselves (all Mondays a
week apart, or all first days of a month), so a chart needs no declaration for it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ..filters import Filters
from .figures.common import Figure

_DATE_KINDS = ("scatter", "bar")


def _as_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp.date() if stamp.time() == dt.time() else None


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_of(starts: list[dt.date]) -> str:
    """'month', 'week' or '' for period starts that are neither (days, hours, categories)."""
    if len(starts) < 2:
        return ""
    if all(d.day == 1 for d in starts):
        return "month"
    gaps = {(b - a).days for a, b in itertools.pairwise(starts)}
    if all(d.weekday() == 0 for d in starts) and all(g % 7 == 0 for g in gaps):
        return "week"
    return ""


def partial_periods(starts: list[dt.date], filters: Filters) -> tuple[str, list[tuple[dt.date, dt.date]]]:
    """The period kind and the (start, end exclusive) of each period the range cuts short."""
    kind = period_of(starts)
    if not kind:
        return "", []
    step = (lambda d: d + dt.timedelta(days=7)) if kind == "week" else _next_month
    cut = []
    for start in {starts[0], starts[-1]}:
        end = step(start)
        if start < filters.date_from or end - dt.timedelta(days=1) > filters.date_to:
            cut.append((start, end))
    return kind, sorted(cut)


def mark_partial(figure: Figure, filters: Filters) -> Figure:
    """Add a shaded, labelled band over each cut-short period of a date x axis."""
    traces = [t for t in figure.get("data", []) if t.get("type") in _DATE_KINDS and "x" in t]
    if figure.get("layout", {}).get("xaxis", {}).get("type") != "date" or not traces:
        return figure
    days = {_as_date(x) for t in traces for x in t["x"]}
    if None in days or not days:
        return figure
    kind, cut = partial_periods(sorted(d for d in days if d), filters)
    if not cut:
        return figure
    layout = figure["layout"]
    shapes, notes = list(layout.get("shapes", [])), list(layout.get("annotations", []))
    for start, end in cut:
        # Centred on the period's own point: the band spans half a period either side of it.
        half = (end - start) / 2
        x0, x1 = (start - half).isoformat(), (start + half).isoformat()
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": x0,
                "x1": x1,
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(120,120,120,0.12)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": start.isoformat(),
                "y": 1,
                "yanchor": "bottom",
                "text": f"partial {kind}",
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
            }
        )
    layout.update(shapes=shapes, annotations=notes)
    margin = layout.get("margin", {})
    layout["margin"] = {**margin, "t": max(int(margin.get("t", 0)), 24)}  # room for the label
    return figure
