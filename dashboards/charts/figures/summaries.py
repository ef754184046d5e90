"""Plain-language summaries of what a chart shows, generated from its rows (for screen readers, and for
anyone who prefers words)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...warehouse.result import Result
from ..formatting import fmt_cell, fmt_change, fmt_value, to_float
from ..spec import Chart, Kind
from .common import groups


def _extremes(pairs: list[tuple[Any, Any]], chart: Chart) -> str:
    numeric = [(x, y) for x, y in pairs if to_float(y) is not None]
    if not numeric:
        return "no values"
    lo = min(numeric, key=lambda p: float(p[1]))
    hi = max(numeric, key=lambda p: float(p[1]))
    return (
        f"highest {fmt_value(hi[1], chart.fmt)} at {fmt_cell(hi[0])}, "
        f"lowest {fmt_value(lo[1], chart.fmt)} at {fmt_cell(lo[0])}, "
        f"last {fmt_value(numeric[-1][1], chart.fmt)} at {fmt_cell(numeric[-1][0])}"
    )


def xy(chart: Chart, result: Result) -> str:
    xs = result.column(chart.x)
    parts = [
        f"{len(set(xs))} values of {chart.label(chart.x).lower()} from {fmt_cell(xs[0])} to {fmt_cell(xs[-1])}."
    ]
    for name, rows in groups(chart, result):
        for col in (*chart.y, *chart.y2):
            label = " ".join(filter(None, [name, chart.label(col)]))
            parts.append(f"{label}: {_extremes([(r[chart.x], r[col]) for r in rows], chart)}.")
    return " ".join(parts)


def parts(chart: Chart, result: Result) -> str:
    pairs = [
        (x, to_float(y) or 0.0)
        for x, y in zip(result.column(chart.x), result.column(chart.y[0]), strict=True)
    ]
    total = sum(v for _, v in pairs) or 1.0
    ranked = sorted(pairs, key=lambda p: -p[1])
    shown = ", ".join(f"{fmt_cell(x)} {fmt_value(v, chart.fmt)} ({v / total:.0%})" for x, v in ranked[:8])
    more = f", and {len(ranked) - 8} more" if len(ranked) > 8 else ""
    return f"{len(pairs)} parts: {shown}{more}."


def heatmap(chart: Chart, result: Result) -> str:
    cells = [
        (f"{fmt_cell(r[chart.series])} · {fmt_cell(r[chart.x])}", r[chart.y[0]]) for r in result.records()
    ]
    rows = len({r[chart.series] for r in result.records()})
    cols = len({r[chart.x] for r in result.records()})
    numeric = [(c, v) for c, v in cells if to_float(v) is not None]
    hi = max(numeric, key=lambda p: float(p[1]))
    lo = min(numeric, key=lambda p: float(p[1]))
    return (
        f"{rows} rows by {cols} columns. Highest {fmt_value(hi[1], chart.fmt)} at {hi[0]}; "
        f"lowest {fmt_value(lo[1], chart.fmt)} at {lo[0]}."
    )


def sankey(chart: Chart, result: Result) -> str:
    flows = sorted(result.records(), key=lambda r: -(to_float(r[chart.y[0]]) or 0.0))
    top = "; ".join(
        f"{fmt_cell(r[chart.x])} to {fmt_cell(r[chart.target])}: {fmt_value(r[chart.y[0]], chart.fmt)}"
        for r in flows[:5]
    )
    return f"{len(flows)} flows. Largest: {top}."


def scatter(chart: Chart, result: Result) -> str:
    def span(col: str) -> str:
        nums = [float(v) for v in result.column(col) if to_float(v) is not None]
        return (
            f"{chart.label(col).lower()} from {fmt_cell(min(nums))} to {fmt_cell(max(nums))}" if nums else ""
        )

    axes = [span(c) for c in (chart.x, chart.y[0], chart.z) if c]
    groups_text = ""
    if chart.series:
        counts = [(name, len(rows)) for name, rows in groups(chart, result)]
        groups_text = " Groups: " + ", ".join(f"{name} {n}" for name, n in counts) + "."
    return f"{len(result.rows)} points; " + ", ".join(a for a in axes if a) + "." + groups_text


def radar(chart: Chart, result: Result) -> str:
    out = []
    for name, rows in groups(chart, result):
        pairs = [(r[chart.x], r[chart.y[0]]) for r in rows]
        numeric = [(x, y) for x, y in pairs if to_float(y) is not None]
        hi = max(numeric, key=lambda p: float(p[1]))
        lo = min(numeric, key=lambda p: float(p[1]))
        label = name or chart.label(chart.y[0])
        out.append(
            f"{label}: highest {fmt_value(hi[1], chart.fmt)} for {fmt_cell(hi[0])}, "
            f"lowest {fmt_value(lo[1], chart.fmt)} for {fmt_cell(lo[0])}."
        )
    return " ".join(out)


def table(chart: Chart, result: Result) -> str:
    first = result.rows[0]
    described = ", ".join(
        f"{chart.label(c).lower()} {fmt_cell(v)}" for c, v in zip(result.columns, first, strict=True)
    )
    return f"{len(result.rows)} rows. First row: {described}."


def value(chart: Chart, result: Result, previous: Result | None) -> str:
    row = result.records()[0]
    current = row[chart.y[0]]
    text = f"{chart.title}: {fmt_value(current, chart.fmt)}"
    if "SCALE_MIN" in row and "SCALE_MAX" in row:
        text += f" on a scale from {fmt_cell(row['SCALE_MIN'])} to {fmt_cell(row['SCALE_MAX'])}"
    if previous is not None and not previous.empty:
        prev = previous.records()[0][chart.y[0]]
        text += f"; {fmt_change(current, prev, chart.fmt)} against the previous period ({fmt_value(prev, chart.fmt)})"
    return text + "."


BY_KIND: dict[Kind, Callable[[Chart, Result], str]] = {
    Kind.LINE: xy,
    Kind.AREA: xy,
    Kind.BAR: xy,
    Kind.HBAR: xy,
    Kind.DONUT: parts,
    Kind.TREEMAP: parts,
    Kind.HEATMAP: heatmap,
    Kind.SANKEY: sankey,
    Kind.SCATTER: scatter,
    Kind.SCATTER3D: scatter,
    Kind.RADAR: radar,
    Kind.TABLE: table,
}
