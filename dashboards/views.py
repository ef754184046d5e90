"""Workspace pages and chart fragments. Each view reads: access, fetch, render."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from accounts import audit
from accounts.access import Viewer, viewer_for

from . import fragments, warm_door
from .charts.bundles import plotly_bundle
from .charts.registry import DEFAULT_WORKSPACE, WORKSPACES, workspace
from .charts.spec import Chart, Kind, Workspace
from .filters import (
    FILTERS,
    GRAINS,
    PRESETS,
    DataRange,
    FilterError,
    Filters,
    load_data_range,
    load_options,
    parse_filters,
    shown,
)
from .presets import preference_of, visible_presets
from .queries import run_file
from .warehouse.client import WarehouseError, data_version
from .warehouse.compiler import CompileError


@dataclass(frozen=True)
class Page:
    workspace: Workspace
    viewer: Viewer
    filters: Filters
    options: dict[str, list[str]]
    data: DataRange


def _workspace_or_404(slug: str) -> Workspace:
    ws = workspace(slug)
    if ws is None:
        raise Http404("No such workspace")
    return ws


def _chart_or_404(ws: Workspace, chart_id: str) -> Chart:
    chart = ws.chart(chart_id)
    if chart is None:
        raise Http404("No such chart")
    return chart


def load_page(request: HttpRequest, slug: str) -> Page:
    """Access, then the filters of the request; raises FilterError, WarehouseError or Http404."""
    ws = _workspace_or_404(slug)
    viewer = viewer_for(request.user)
    if not viewer.may_open(ws.slug):
        # Not a 403: a workspace outside the role is as absent as one that does not exist.
        audit.record("denied", audit.asked(request), request=request, reason="workspace not in role")
        raise Http404("No such workspace")
    options, data = load_options(viewer), load_data_range(viewer)
    default = preference_of(request.user).default_preset
    filters = parse_filters(request.GET, options=options, data=data, default_preset=default)
    if filters.tab and filters.tab not in ws.tabs:
        raise FilterError("tab", f"'{shown(filters.tab)}' is not a tab of {ws.title}")
    return Page(ws, viewer, filters, options, data)


def visible_workspaces(request: HttpRequest) -> list[Workspace]:
    """The sidebar: only the workspaces the viewer's roles open."""
    viewer = viewer_for(request.user)
    return [ws for ws in WORKSPACES.values() if viewer.may_open(ws.slug)]


def bad_filter(request: HttpRequest, error: FilterError, *, fragment: bool = False) -> HttpResponse:
    template = "dashboards/_bad_filter.html" if fragment else "dashboards/bad_filter.html"
    return render(request, template, {"error": error, "workspaces": visible_workspaces(request)}, status=400)


def warehouse_down(request: HttpRequest, ws: Workspace, error: WarehouseError) -> HttpResponse:
    context = {"workspace": ws, "workspaces": visible_workspaces(request), "warehouse_error": str(error)}
    return render(request, "dashboards/workspace.html", context, status=503)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    preferred = preference_of(request.user).default_workspace
    slug = (
        preferred
        if preferred in WORKSPACES and viewer_for(request.user).may_open(preferred)
        else DEFAULT_WORKSPACE
    )
    target = reverse("workspace", args=[slug])
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)


def _chips(filters: Filters) -> list[dict[str, str]]:
    labels = {f.param: f.label for f in FILTERS}
    return [
        {"label": labels[name], "value": value, "remove": filters.querystring(drop=(name, value))}
        for name, values in filters.values
        for value in values
    ]


@require_GET
def workspace_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = load_page(request, slug)
    except FilterError as error:
        return bad_filter(request, error)
    except WarehouseError as error:
        return warehouse_down(request, _workspace_or_404(slug), error)
    filters = page.filters
    active_tab = page.workspace.shown_tab(filters.tab)
    audit.record(
        "page_view", audit.asked(request), request=request, workspace=page.workspace.slug, tab=active_tab
    )
    charts = page.workspace.on_tab(active_tab)
    context = {
        "kpis": [c for c in charts if c.kind is Kind.KPI],
        "panels": [c for c in charts if c.kind is not Kind.KPI],
        "plotly_bundle": plotly_bundle(charts),
        "tabs": [
            {"name": tab, "query": replace(filters, tab=tab).querystring(), "active": tab == active_tab}
            for tab in page.workspace.tabs
        ],
        "workspace": page.workspace,
        "workspaces": visible_workspaces(request),
        "filters": filters,
        "query": filters.querystring(),
        "nav_query": replace(filters, tab="").querystring(),
        "presets": PRESETS,
        "preset_label": PRESETS[filters.preset],
        "grains": GRAINS,
        "filter_defs": [
            {
                "param": f.param,
                "label": f.label,
                "options": page.options[f.param],
                "selected": filters.selected(f.param),
            }
            for f in FILTERS
        ],
        "chips": _chips(filters),
        "data": page.data,
        "saved_presets": visible_presets(request.user),
        "default_query": f"preset={preference_of(request.user).default_preset}",
    }
    return render(request, "dashboards/workspace.html", context)


def fragment_page(request: HttpRequest, slug: str) -> Page | HttpResponse:
    """The page a fragment belongs to, or the fragment-sized answer saying why it cannot be drawn."""
    try:
        return load_page(request, slug)
    except FilterError as error:
        return bad_filter(request, error, fragment=True)
    except WarehouseError as error:
        return render(request, "dashboards/_chart_error.html", {"message": str(error)}, status=503)


@require_GET
@warm_door.remembered
def matches_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """How many customers and records the current filters keep (a line under the filter bar)."""
    page = fragment_page(request, slug)
    if isinstance(page, HttpResponse):
        return page
    try:
        counts = run_file("matches.sql", viewer=page.viewer, where=page.filters.restriction()).records()[0]
    except (WarehouseError, CompileError) as error:
        return render(request, "dashboards/_chart_error.html", {"message": str(error)}, status=503)
    return with_data_version(render(request, "dashboards/_matches.html", {"counts": counts}))


def with_data_version(response: HttpResponse) -> HttpResponse:
    """Tell the page which data version this part was drawn from (`X-Data-Version`).

    Read after the part was computed: if the data changed meanwhile, the page learns of it and redraws
    every part from the new version (static/js/ux.js), so one page never keeps a mix of old and new
    numbers."""
    with contextlib.suppress(WarehouseError):  # no version known: the poll will tell later
        response["X-Data-Version"] = data_version()
    return response


@require_GET
@warm_door.remembered
def kpis_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole row of key figures of the active tab in one answer (one request instead of one a KPI).

    Each figure is the same cached fragment `chart_fragment` serves, so a figure that fails shows its
    own error and Retry while the others stand."""
    page = fragment_page(request, slug)
    if isinstance(page, HttpResponse):
        return page
    active_tab = page.workspace.shown_tab(page.filters.tab)
    palette = preference_of(request.user).palette or ""
    kpis = [chart for chart in page.workspace.on_tab(active_tab) if chart.kind is Kind.KPI]
    rendered = fragments.render_many(page.workspace, kpis, page.filters, page.viewer, palette=palette)
    cards = [
        KPI_CARD.format(chart_id=escape(chart.id), content=content.decode())
        for chart, (content, _) in zip(kpis, rendered, strict=True)
    ]
    complete = all(status == 200 for _, status in rendered)
    response = HttpResponse("".join(cards))
    if not complete:  # a card shows its error: nobody keeps this answer
        response["Cache-Control"] = "no-store"
    return with_data_version(response)


KPI_CARD = '<div class="kpi card" data-kpi="{chart_id}">{content}</div>'


@require_GET
@warm_door.remembered
def chart_fragment(request: HttpRequest, slug: str, chart_id: str, view: str = "") -> HttpResponse:
    """One chart's part; `view` (from the URL) draws it as one of its views (Chart.views)."""
    page = fragment_page(request, slug)
    if isinstance(page, HttpResponse):
        return page
    chart = _chart_or_404(page.workspace, chart_id)
    if view and chart.view(view) is None:
        raise Http404("No such view of this chart")
    palette = preference_of(request.user).palette or ""
    content, status = fragments.render(
        page.workspace, chart, page.filters, page.viewer, palette=palette, view=view
    )
    return with_data_version(HttpResponse(content, status=status))
