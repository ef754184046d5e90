"""Cache warming: after the warehouse changes, compute each workspace's default view for each role's scope.

`warm_if_changed` runs from beat every minute (the periodic task "Warm the cache after a warehouse
change"): when the warehouse's data version (or the code version, after a deploy) differs from the
one last warmed, it computes, for every distinct role scope (one viewer per Role row, as a user
holding only that role sees the portal), the
filter options, the data range, the match line and every chart fragment of the first tab of every
workspace the role opens, with the default filters and the default preferences (preset, palette). Results land in the warehouse client's cache and
the rendered fragments in the fragment cache, under exactly the keys a visitor's request looks up, so
the first visitor after a refresh finds them warm. Access is decided by the same `viewer_from_roles`
as a request; a person holding several roles gets their own union scope, computed on first visit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connections
from django.http import QueryDict
from django.template.loader import get_template

from accounts.access import Viewer, viewer_from_roles
from accounts.models import Role
from dashboards import fragments
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.spec import Chart, Workspace
from dashboards.code_version import code_version
from dashboards.filters import Filters, load_data_range, load_options, parse_filters
from dashboards.models import Preference
from dashboards.queries import compile_file, run_file
from dashboards.versioned import viewer_key
from dashboards.warehouse import client

log = logging.getLogger(__name__)

VERSION_KEY = "warm:version"  # the data and code versions last warmed
LOCK_KEY = "warm:lock"
LOCK_SECONDS = 15 * 60  # longer than a warming run; a dead worker's lock expires


@dataclass(frozen=True)
class Warmed:
    version: str
    scopes: int
    fragments: int
    failed: int
    seconds: float


def role_viewers() -> list[Viewer]:
    """One viewer per distinct (scope, PII, Snowflake role, export right, workspaces) among the Role rows."""
    seen: dict[Hashable, Viewer] = {}
    for role in Role.objects.order_by("name"):
        if not role.workspaces:
            continue
        viewer = viewer_from_roles(f"warm:{role.name}", [role])
        seen.setdefault((viewer_key(viewer), viewer.can_export, viewer.workspaces), viewer)
    return list(seen.values())


def default_view(viewer: Viewer) -> tuple[Filters, list[tuple[Workspace, Chart]]]:
    """The default filters of `viewer` and the charts of the first tab of every workspace it opens."""
    filters = parse_filters(QueryDict(""), options=load_options(viewer), data=load_data_range(viewer))
    charts = [
        (ws, chart)
        for ws in WORKSPACES.values()
        if viewer.may_open(ws.slug)
        for chart in ws.on_tab(next(iter(ws.tabs), ""))
    ]
    return filters, charts


def warm_viewer(viewer: Viewer) -> tuple[int, int]:
    """Compute the default view of every workspace `viewer` opens; (fragments warmed, failed)."""
    filters, charts = default_view(viewer)
    run_file("matches.sql", viewer=viewer, where=filters.restriction())
    done = failed = 0
    for ws, chart in charts:
        _, status = fragments.render(ws, chart, filters, viewer, palette=Preference().palette)
        done, failed = (done + 1, failed) if status == 200 else (done, failed + 1)
    return done, failed


# The templates every workspace request renders: loaded (and kept by the cached loader) up front.
PAGE_TEMPLATES = (
    "dashboards/workspace.html",
    "dashboards/_chart.html",
    "dashboards/_kpi.html",
    "dashboards/_matches.html",
    "dashboards/_data_table.html",
)


def compile_default_views() -> int:
    """Compile, without running them, the queries of every role's default view, in this process.

    A process compiles a chart's SQL (sqlglot parses it) the first time it is asked for, which for
    one workspace's parts costs about a second of processor time; so the first visitors of a new web
    process, after a start or a deploy, waited for that. The filter options, the data range and the
    latest day with data are read as a request reads them (from the cache or this process's memo when
    warm). Returns the number of queries compiled.
    """
    compiled = 0
    for viewer in role_viewers():
        filters, charts = default_view(viewer)
        client.prepare(compile_file("matches.sql", viewer=viewer, where=filters.restriction()))
        for _, chart in charts:
            for query in fragments.chart_queries(chart, filters, viewer):
                client.prepare(query)
                compiled += 1
    for name in PAGE_TEMPLATES:
        get_template(name)
    client.as_of()  # the freshness line's "data as of" day, read once per process and data version
    return compiled


def _prepare() -> None:
    started = time.perf_counter()
    try:
        compiled = compile_default_views()
    except client.WarehouseError as exc:  # not built yet, or unreachable: requests compile as they go
        log.warning("this web process was not prepared: %s", exc)
        return
    except Exception:  # a warm-up that fails leaves the process as it was
        log.exception("preparing this web process failed")
        return
    finally:
        connections.close_all()
    log.info("web process prepared: %d queries compiled in %.1f s", compiled, time.perf_counter() - started)


def prepare_in_background() -> threading.Thread:
    """Start `compile_default_views` on a thread of its own (config/gunicorn.py, as a worker starts)."""
    thread = threading.Thread(target=_prepare, name="prepare-web-process", daemon=True)
    thread.start()
    return thread


def warm_all() -> Warmed:
    started = time.perf_counter()
    version = client.data_version()
    viewers = role_viewers()
    done = failed = 0
    for viewer in viewers:
        try:
            ok, bad = warm_viewer(viewer)
        except client.WarehouseError as exc:
            log.warning("cache warming for %s failed: %s", viewer.username, exc)
            failed += 1
            continue
        done, failed = done + ok, failed + bad
    warmed = Warmed(version, len(viewers), done, failed, time.perf_counter() - started)
    log.info(
        "cache warmed version=%s scopes=%d fragments=%d failed=%d seconds=%.1f",
        warmed.version,
        warmed.scopes,
        warmed.fragments,
        warmed.failed,
        warmed.seconds,
    )
    return warmed


def _marker(version: str) -> str:
    return f"{version}:{code_version()}"


def warm_if_changed() -> Warmed | None:
    """Warm once per data version (across workers: a lock in the cache); None when there was nothing to do."""
    cache = caches["default"]
    version = client.data_version()
    # A deploy warms again too: the rendered fragments' keys hold the code version.
    if cache.get(VERSION_KEY) == _marker(version):
        return None
    if not cache.add(LOCK_KEY, version, LOCK_SECONDS):
        return None  # another worker is warming
    try:
        warmed = warm_all()
        if warmed.version == client.data_version():  # chart errors are logged; not retried each minute
            cache.set(VERSION_KEY, _marker(warmed.version), None)
        return warmed
    finally:
        cache.delete(LOCK_KEY)
