"""A chart's rows as CSV: exactly the rows it plots, from the same result as the figure."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from dashboards.charts.service import ChartView

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Plain values; text that a spreadsheet would run as a formula is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def chart_rows(view: ChartView) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Header and rows. Charts compared with the previous period get one row per period."""
    assert view.result is not None
    filters = view.filters
    columns, shown = view.shown
    if not view.chart.compare:
        return columns, shown
    header = ["PERIOD", "DATE_FROM", "DATE_TO", *columns]
    rows = [("current", filters.date_from, filters.date_to, *row) for row in shown]
    if view.previous is not None:
        prev = filters.previous()
        before = replace(view, result=view.previous).shown[1]
        rows += [("previous", prev.date_from, prev.date_to, *row) for row in before]
    return header, rows


def write_csv(header: list[str], rows: Iterable[tuple[Any, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()
