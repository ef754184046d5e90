"""/api/v1/: workspaces, charts (rows and figures), KPIs, options, match counts, customers, presets."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from ninja import Query, Router

from accounts.access import viewer_for

from .. import customers as c360
from ..charts.registry import WORKSPACES
from ..charts.spec import Kind
from ..filters import FILTER_LABELS, GRAINS, PRESETS, FilterError, parse_filters
from ..models import SavedPreset
from ..presets import visible_presets
from ..queries import run_file
from . import schemas as s
from . import service
from .conditional import conditional, json_response
from .errors import ERRORS, ApiError

router = Router(tags=["portal"])
CACHED = {200: Any, 304: None, **ERRORS}


def _get(path: str, schema: Any, **kwargs: Any) -> Any:
    return router.get(path, response={**CACHED, 200: schema}, **kwargs)


@_get("/workspaces", list[s.WorkspaceOut], url_name="workspaces")
def workspaces(request: HttpRequest) -> HttpResponse:
    """The workspaces your roles open, with their charts."""
    viewer = viewer_for(request.user)
    shown = service.visible(viewer, list(WORKSPACES.values()))
    return conditional(
        request, viewer, _ListOf(s.WorkspaceOut), lambda: [service.workspace_meta(ws) for ws in shown]
    )


class _ListOf:
    """A schema-like validator for a list of one schema (json_response needs model_validate)."""

    def __init__(self, item: type[s.Schema]) -> None:
        from pydantic import TypeAdapter

        self.adapter = TypeAdapter(list[item])  # type: ignore[valid-type]

    def model_validate(self, data: Any) -> Any:
        return _Dumped(self.adapter.dump_python(self.adapter.validate_python(data), mode="json"))


class _Dumped:
    def __init__(self, data: Any) -> None:
        self.data = data

    def model_dump(self, mode: str = "json") -> Any:
        return self.data


@_get("/workspaces/{slug}", s.WorkspaceOut, url_name="workspace")
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """One workspace and its charts' metadata (404 if your roles do not open it)."""
    viewer = viewer_for(request.user)
    ws = WORKSPACES.get(slug)
    if ws is None or not viewer.may_open(slug):
        raise Http404(f"slug: '{slug}' is not a workspace you can open")
    return conditional(request, viewer, s.WorkspaceOut, lambda: service.workspace_meta(ws))


@_get("/workspaces/{slug}/charts/{chart_id}/data", s.ChartData, url_name="chart_data")
def chart_data(request: HttpRequest, slug: str, chart_id: str, filters: Query[s.FilterQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """A chart's result as typed rows (the same rows as its CSV and its figure)."""
    page = service.page(request, slug)
    chart = service.chart_of(page, chart_id)
    return conditional(
        request,
        page.viewer,
        s.ChartData,
        lambda: service.chart_data(page, chart, service.chart_view(request, page, chart)),
    )


@_get("/workspaces/{slug}/charts/{chart_id}/figure", s.FigureOut, url_name="chart_figure")
def chart_figure(
    request: HttpRequest,
    slug: str,
    chart_id: str,
    filters: Query[s.FilterQuery],  # type: ignore[valid-type]
) -> HttpResponse:
    """A chart's Plotly figure JSON (what the page draws)."""
    page = service.page(request, slug)
    chart = service.chart_of(page, chart_id)
    return conditional(
        request,
        page.viewer,
        s.FigureOut,
        lambda: service.chart_figure(page, chart, service.chart_view(request, page, chart)),
    )


@_get("/workspaces/{slug}/kpis", s.KpisOut, url_name="kpis")
def kpis(request: HttpRequest, slug: str, filters: Query[s.FilterQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """The workspace's KPIs with the previous period of equal length and the change."""
    page = service.page(request, slug)

    def produce() -> dict[str, Any]:
        from ..charts.service import load_chart
        from ..presets import preference_of

        palette = preference_of(request.user).palette
        cards = [
            service.kpi(chart, load_chart(chart, page.filters, page.viewer, palette=palette))
            for chart in page.workspace.charts
            if chart.kind is Kind.KPI
        ]
        prev = page.filters.previous()
        return {
            "workspace": page.workspace.slug,
            "query": page.filters.querystring(),
            "date_from": page.filters.date_from,
            "date_to": page.filters.date_to,
            "previous_from": prev.date_from,
            "previous_to": prev.date_to,
            "kpis": cards,
        }

    return conditional(request, page.viewer, s.KpisOut, produce)


@_get("/workspaces/{slug}/options", s.OptionsOut, url_name="options")
def options(request: HttpRequest, slug: str) -> HttpResponse:
    """Each filter's options in your scope, the date presets and grains, and the range with data."""
    page = service.page(request, slug)
    return conditional(
        request,
        page.viewer,
        s.OptionsOut,
        lambda: {
            "options": page.options,
            "labels": FILTER_LABELS,
            "presets": PRESETS,
            "grains": GRAINS,
            "first_day": page.data.first_day,
            "last_day": page.data.last_day,
        },
    )


@_get("/workspaces/{slug}/matches", s.MatchesOut, url_name="matches")
def matches(request: HttpRequest, slug: str, filters: Query[s.FilterQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """How many customers and records the filters keep."""
    page = service.page(request, slug)

    def produce() -> dict[str, Any]:
        records = run_file("matches.sql", viewer=page.viewer, where=page.filters.restriction()).records()
        return {"query": page.filters.querystring(), "counts": records[0] if records else {}}

    return conditional(request, page.viewer, s.MatchesOut, produce)


@_get("/customers", list[s.CustomerHit], url_name="customers")
def customer_search(request: HttpRequest, q: str) -> HttpResponse:
    """Customers in your scope matching an id (or, with PII, a name or e-mail)."""
    viewer = viewer_for(request.user)
    term = q.strip()
    problem = c360.term_problem(term)
    if problem:
        raise ApiError(400, "bad_parameter", f"q: {problem}", "q")

    def produce() -> list[dict[str, Any]]:
        return [
            {
                "customer_id": str(r["CUSTOMER_ID"]),
                "name": c360.full_name(r) if viewer.pii else None,
                "email": (r.get("EMAIL") or None) if viewer.pii else None,
                "fields": {
                    k: v for k, v in r.items() if viewer.pii or k not in ("FIRST_NAME", "LAST_NAME", "EMAIL")
                },
            }
            for r in c360.search_customers(term, viewer)
        ]

    return conditional(request, viewer, _ListOf(s.CustomerHit), produce)


@_get("/customers/{customer_id}", s.CustomerOut, url_name="customer")
def customer(request: HttpRequest, customer_id: str, kind: Query[list[str] | None] = None) -> HttpResponse:  # type: ignore[valid-type]
    """Customer 360: profile, timeline counts, the timeline (filtered by `kind`) and the panels."""
    viewer = viewer_for(request.user)
    kinds = c360.parse_kinds(kind or [])

    def produce() -> dict[str, Any]:
        rows = run_file(c360.PROFILE_SQL, viewer=viewer, named={"customer_id": customer_id}).records()
        if not rows:
            raise Http404(f"customer_id: '{customer_id}' is not a customer you can see")
        panels = [c360.load_panel(chart, customer_id, viewer) for chart in c360.CHARTS]
        return {
            "customer_id": str(rows[0]["CUSTOMER_ID"]),
            "profile": rows[0],
            "counts": c360.load_counts(customer_id, viewer),
            "events": [asdict(e) for e in c360.load_timeline(customer_id, kinds, viewer)],
            "panels": [
                {"id": p.chart.id, "title": p.chart.title, "figure": p.figure, "summary": p.summary}
                for p in panels
            ],
        }

    return conditional(request, viewer, s.CustomerOut, produce)


def _preset(p: SavedPreset) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "query": p.query, "shared": p.shared}


@router.get("/presets", response={200: list[s.PresetOut], **ERRORS}, url_name="presets")
def presets(request: HttpRequest) -> HttpResponse:
    """Your saved presets and the shared ones."""
    viewer_for(request.user)
    return json_response(_ListOf(s.PresetOut), [_preset(p) for p in visible_presets(request.user)])  # type: ignore[arg-type]


@router.post("/presets", response={201: s.PresetOut, 409: s.Error, **ERRORS}, url_name="preset_create")
def preset_create(request: HttpRequest, body: s.PresetIn) -> HttpResponse:
    """Save filters under a name; the query is validated like the page URL (tab dropped)."""
    viewer = viewer_for(request.user)
    name = body.name.strip()
    if not name:
        raise ApiError(400, "bad_parameter", "name: a preset needs a name", "name")
    query = QueryDict(body.query, mutable=True)
    query.pop("tab", None)
    page_options, data = service.page_inputs(viewer)
    parse_filters(query, options=page_options, data=data)  # FilterError -> 400 naming the parameter
    try:
        with transaction.atomic():
            preset = SavedPreset.objects.create(owner_id=request.user.pk, name=name, query=query.urlencode())
    except IntegrityError:
        raise ApiError(409, "conflict", f"name: you already have a preset named '{name}'", "name") from None
    return json_response(s.PresetOut, _preset(preset), status=201)


@router.delete("/presets/{preset_id}", response={204: None, **ERRORS}, url_name="preset_delete")
def preset_delete(request: HttpRequest, preset_id: int) -> HttpResponse:
    """Delete one of your presets (shared presets are managed in the admin)."""
    viewer_for(request.user)
    deleted, _ = SavedPreset.objects.filter(pk=preset_id, owner_id=request.user.pk).delete()
    if not deleted:
        raise Http404(f"preset_id: {preset_id} is not one of your presets")
    return HttpResponse(status=204)


__all__ = ["FilterError", "router"]
