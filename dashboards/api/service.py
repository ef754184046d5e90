"""What the endpoints compute, on the same functions as the pages (load_page, load_chart, run_file)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse

from accounts.access import Viewer

from ..charts.formatting import to_float
from ..charts.service import ChartView, load_chart
from ..charts.spec import Chart, Workspace
from ..filters import FILTERS
from ..presets import preference_of
from ..views import Page, load_page
from .conditional import plain
from .errors import ApiError


def chart_meta(ws: Workspace, chart: Chart) -> dict[str, Any]:
    return {
        "id": chart.id,
        "title": chart.title,
        "kind": str(chart.kind),
        "description": chart.description,
        "tab": chart.tab,
        "compares_previous_period": chart.compare,
        "honours": [f.param for f in FILTERS],
        "data_url": reverse("api:chart_data", args=[ws.slug, chart.id]),
        "figure_url": reverse("api:chart_figure", args=[ws.slug, chart.id]),
    }


def workspace_meta(ws: Workspace) -> dict[str, Any]:
    return {
        "slug": ws.slug,
        "title": ws.title,
        "description": ws.description,
        "tabs": list(ws.tabs),
        "charts": [chart_meta(ws, c) for c in ws.charts],
    }


def page(request: HttpRequest, slug: str) -> Page:
    """The page's own access check and filter parsing (FilterError -> 400, naming the parameter)."""
    return load_page(request, slug)


def chart_of(p: Page, chart_id: str) -> Chart:
    chart = p.workspace.chart(chart_id)
    if chart is None:
        raise Http404(f"chart_id: '{chart_id}' is not a chart of {p.workspace.title}")
    return chart


def chart_view(request: HttpRequest, p: Page, chart: Chart) -> ChartView:
    view = load_chart(chart, p.filters, p.viewer, palette=preference_of(request.user).palette)
    if view.error:
        raise ApiError(503, "chart_unavailable", view.error)
    return view


def column_type(values: list[Any]) -> str:
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return "null"
    if isinstance(sample, bool):
        return "boolean"
    converted = plain(sample)
    if isinstance(converted, int):
        return "integer"
    if isinstance(converted, float):
        return "number"
    text = str(converted)
    if len(text) == 10 and text[4] == "-" and hasattr(sample, "year"):
        return "date"
    return "datetime" if hasattr(sample, "hour") else "string"


def view_base(p: Page, chart: Chart, view: ChartView) -> dict[str, Any]:
    return {
        "workspace": p.workspace.slug,
        "chart": chart.id,
        "query": p.filters.querystring(),
        "date_from": p.filters.date_from,
        "date_to": p.filters.date_to,
        "ignored_filters": list(view.ignored),
    }


def chart_data(p: Page, chart: Chart, view: ChartView) -> dict[str, Any]:
    result = view.result
    assert result is not None
    return {
        **view_base(p, chart, view),
        "columns": [
            {"name": name, "type": column_type([row[i] for row in result.rows])}
            for i, name in enumerate(result.columns)
        ],
        "rows": result.records(),
        "previous_rows": view.previous.records() if view.previous is not None else None,
        "summary": view.summary,
    }


def chart_figure(p: Page, chart: Chart, view: ChartView) -> dict[str, Any]:
    return {**view_base(p, chart, view), "figure": view.figure, "empty": view.empty, "summary": view.summary}


def kpi(chart: Chart, view: ChartView) -> dict[str, Any]:
    if view.error or view.result is None or view.result.empty:
        text = view.error or view.summary
        return {
            "id": chart.id,
            "title": chart.title,
            "value_text": "—",
            "previous_text": "—",
            "change_text": "",
            "direction": "flat",
            "tone": "neutral",
            "error": text,
        }
    value = view.result.records()[0][chart.y[0]]
    previous = (
        view.previous.records()[0][chart.y[0]]
        if view.previous is not None and not view.previous.empty
        else None
    )
    cur, prev = to_float(value), to_float(previous)
    change = (cur - prev) / abs(prev) if cur is not None and prev not in (None, 0.0) else None
    card = view.kpi
    return {
        "id": chart.id,
        "title": chart.title,
        "value": value,
        "previous": previous,
        "change": change,
        "value_text": card.value if card else "",
        "previous_text": card.previous if card else "",
        "change_text": card.change if card else "",
        "direction": card.direction if card else "flat",
        "tone": card.tone if card else "neutral",
    }


def visible(viewer: Viewer, workspaces: list[Workspace]) -> list[Workspace]:
    return [ws for ws in workspaces if viewer.may_open(ws.slug)]


def page_inputs(viewer: Viewer) -> tuple[dict[str, list[str]], Any]:
    from ..filters import load_data_range, load_options

    return load_options(viewer), load_data_range(viewer)


def viewer_of(request: HttpRequest) -> Viewer:
    """The caller's viewer from their current roles (NoAccess -> 403)."""
    from accounts.access import viewer_for

    return viewer_for(request.user)
