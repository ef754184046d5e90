"""Rendered chart fragments (figure JSON and HTML), cached under a key derived from their results' keys.

A warm fragment request then builds nothing: no warehouse query, no compile, no figure, no template.
The key holds everything that makes two fragments differ:

- the warehouse client's result key of every query the chart runs (the current period and, for charts
  that compare, the previous one): backend, warehouse, data version, compiled SQL (which carries the
  viewer's scope and PII masking), bound parameters and Snowflake role; so a refresh of the warehouse
  invalidates a fragment the same moment it invalidates its result;
- the viewer's scope and PII grants again (explicitly, not only through the SQL), and their export right;
- the workspace, the chart, the query string (the fragment's links carry it) and the colour palette.
- the code version (dashboards.code_version): a deploy that changes a builder, a template or the static
  files never serves the HTML the old code rendered.

Only complete answers are kept (no error state). A cache that fails is skipped: the fragment is built.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string

from accounts.access import Viewer

from . import side_by_side
from .charts.bundles import KINDS_3D, plotly_bundle
from .charts.service import load_chart, named_params
from .charts.spec import Chart, Kind, Workspace
from .code_version import code_version
from .filters import Filters
from .queries import compile_file, scope_of
from .warehouse import client
from .warehouse.compiler import CompileError
from .warehouse.result import CompiledQuery

log = logging.getLogger(__name__)

KEY_PREFIX = "frag6"  # the key also holds the code version (dashboards.code_version)


def chart_queries(chart: Chart, filters: Filters, viewer: Viewer) -> list[CompiledQuery]:
    """The queries `chart` runs for `filters`: its period's, then the previous one's if it compares
    (compiled once per process: dashboards.queries)."""
    periods = [filters, filters.previous()] if chart.compare else [filters]
    return [
        compile_file(chart.sql, viewer=viewer, where=f.restriction(), named=named_params(f)) for f in periods
    ]


def chart_result_keys(chart: Chart, filters: Filters, viewer: Viewer) -> list[str]:
    """The warehouse client's keys of the results `chart` shows for `filters`."""
    return [
        client.result_key(query, snowflake_role=viewer.snowflake_role)
        for query in chart_queries(chart, filters, viewer)
    ]


def fragment_key(
    slug: str, chart: Chart, filters: Filters, viewer: Viewer, *, palette: str, extra: Iterable[str] = ()
) -> str | None:
    """The fragment's cache key, or None when it cannot be known (a compile or warehouse error)."""
    try:
        results = chart_result_keys(chart, filters, viewer)
    except (CompileError, client.WarehouseError):
        return None
    scope = scope_of(viewer)
    material = repr(
        (
            results,
            scope.grants,
            scope.pii_grants,
            viewer.can_export,
            slug,
            chart.id,
            filters.querystring(),
            palette,
            tuple(extra),
            code_version(),
        )
    )
    return f"{KEY_PREFIX}:{hashlib.sha256(material.encode()).hexdigest()}"


def get(key: str | None) -> bytes | None:
    if key is None:
        return None
    try:
        value = caches["default"].get(key)
    except Exception as exc:  # a cache that is down never fails the request
        log.warning("fragment cache unavailable (%s: %s)", type(exc).__name__, exc)
        return None
    return value if isinstance(value, bytes) else None


def put(key: str | None, content: bytes) -> None:
    if key is None:
        return
    try:
        caches["default"].set(key, content, settings.WAREHOUSE_CACHE_SECONDS)
    except Exception as exc:
        log.warning("fragment cache unavailable (%s: %s)", type(exc).__name__, exc)


def render(
    ws: Workspace, chart: Chart, filters: Filters, viewer: Viewer, *, palette: str, view: str = ""
) -> tuple[bytes, int]:
    """The fragment's HTML and status, from the cache when warm; built (and kept when complete) when not.

    `view` names one of the chart's views (Chart.views; "" draws it as it is declared); the caller has
    checked that the chart has it. The templates use no request: the same bytes for the page's request
    and for the cache warmer.
    """
    key = fragment_key(ws.slug, chart, filters, viewer, palette=palette, extra=(view,) if view else ())
    cached = get(key)
    if cached is not None:
        return cached, 200
    drawn = (chart.view(view) or chart) if view else chart
    loaded = load_chart(drawn, filters, viewer, palette=palette or None)
    context = {
        "view": loaded,
        "chart": drawn,
        "view_slug": view or (chart.views[0].slug if chart.views else ""),
        # A kind the page's plotly.js may lack (3-D): portal.js loads this bundle before drawing it.
        "plotly_bundle": plotly_bundle([drawn]) if drawn.kind in KINDS_3D else "",
        "workspace": ws,
        "query": filters.querystring(),
        # The request's context processor is not there: the rights that shape the fragment come from
        # the viewer (the key holds them).
        "portal_can_export": viewer.can_export,
    }
    template = "dashboards/_kpi.html" if chart.kind is Kind.KPI else "dashboards/_chart.html"
    content = render_to_string(template, context).encode()
    if loaded.error:
        return content, 503
    put(key, content)
    return content, 200


# Several fragments of one answer (the KPI row) are computed side by side: a cold KPI runs warehouse
# queries. Render never submits to this pool itself.
_pool = side_by_side.pool("fragment")


def render_many(
    ws: Workspace, charts: Sequence[Chart], filters: Filters, viewer: Viewer, *, palette: str
) -> list[tuple[bytes, int]]:
    """`render` for each chart, in order; the ones not cached are computed at the same time."""
    if len(charts) <= 1:
        return [render(ws, chart, filters, viewer, palette=palette) for chart in charts]
    one = functools.partial(render, palette=palette)
    futures = [side_by_side.submit(_pool, one, ws, chart, filters, viewer) for chart in charts]
    return [future.result() for future in futures]
