"""One workspace view, loaded for one viewer, in the shape the PDF and the digests need.

The same `load_chart` as the page, so a PDF or an e-mail can never show other numbers than the
screen; the viewer is always the recipient's (the requester of a PDF, the subscriber of a digest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import QueryDict

from accounts.access import Viewer
from dashboards.charts.registry import workspace
from dashboards.charts.service import ChartView, load_chart
from dashboards.charts.spec import Kind, Workspace
from dashboards.filters import (
    FILTERS,
    GRAINS,
    PRESETS,
    DataRange,
    FilterError,
    Filters,
    load_data_range,
    load_options,
    parse_filters,
)

Progress = Callable[[float, str], None]


class ReportError(ValueError):
    """The view cannot be shown to this viewer: no such workspace, or filters outside their data."""


@dataclass(frozen=True)
class Report:
    workspace: Workspace
    viewer: Viewer
    filters: Filters
    data: DataRange
    kpis: list[ChartView] = field(default_factory=list)
    panels: list[ChartView] = field(default_factory=list)

    @property
    def filter_words(self) -> list[tuple[str, str]]:
        return describe_filters(self.filters)

    @property
    def path(self) -> str:
        """The page's path with the query string that reopens this view."""
        return f"/w/{self.workspace.slug}/?{self.filters.querystring()}"


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def describe_filters(filters: Filters) -> list[tuple[str, str]]:
    """The filters in words, one (label, text) pair each, in the filter bar's order."""
    period = f"{_day(filters.date_from)} \u2013 {_day(filters.date_to)}"
    if filters.preset != "custom":
        period = f"{PRESETS[filters.preset]} ({period})"
    words = [("Date range", period)]
    for f in FILTERS:
        chosen = filters.selected(f.param)
        words.append((f.label, ", ".join(chosen) if chosen else "All"))
    words.append(("Time grain", GRAINS.get(filters.grain, filters.grain)))
    if filters.tab:
        words.append(("Tab", filters.tab))
    return words


def describe_data_range(data: DataRange) -> str:
    return f"{_day(data.first_day)} \u2013 {_day(data.last_day)}"


def parse_view(slug: str, query: str, viewer: Viewer) -> tuple[Workspace, Filters, DataRange]:
    ws = workspace(slug)
    if ws is None:
        raise ReportError(f"There is no workspace '{slug}'.")
    data = load_data_range(viewer)
    try:
        filters = parse_filters(QueryDict(query), options=load_options(viewer), data=data)
    except FilterError as exc:
        raise ReportError(f"The saved filters do not apply to your data: {exc}") from exc
    return ws, filters, data


def load_report(
    slug: str, query: str, viewer: Viewer, *, panels: bool = True, progress: Progress | None = None
) -> Report:
    """Every chart of the view (the tab's, when the workspace has tabs), loaded for `viewer`."""
    ws, filters, data = parse_view(slug, query, viewer)
    charts = ws.on_tab(filters.tab or (ws.tabs[0] if ws.tabs else "")) if ws.tabs else ws.charts
    wanted = [c for c in charts if panels or c.kind is Kind.KPI]
    views: list[ChartView] = []
    for i, chart in enumerate(wanted):
        views.append(load_chart(chart, filters, viewer))
        if progress:
            progress((i + 1) / max(len(wanted), 1), f"Loaded {chart.title}")
    return Report(
        ws,
        viewer,
        filters,
        data,
        kpis=[v for v in views if v.chart.kind is Kind.KPI],
        panels=[v for v in views if v.chart.kind is not Kind.KPI],
    )
