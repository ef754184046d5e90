"""Cache warming: after the warehouse changes, compute each workspace's default view for each role's scope.

`warm_if_changed` runs from beat every minute (the periodic task "Warm the cache after a warehouse
change"): when the warehouse's data version differs from the one last warmed, it computes, for every
distinct role scope (one viewer per Role row, as a user holding only that role sees the portal), the
filter options, the data range, the match line and every chart fragment of the first tab of every
workspace the role opens, with the default filters and the default preferences (preset, palette). Results land in the warehouse client's cache and
the rendered fragments in the fragment cache, under exactly the keys a visitor's request looks up, so
the first visitor after a refresh finds them warm. Access is decided by the same `viewer_from_roles`
as a request; a person holding several roles gets their own union scope, computed on first visit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass

from django.core.cache import caches
from django.http import QueryDict

from accounts.access import Viewer, viewer_from_roles
from accounts.models import Role
from dashboards import fragments
from dashboards.charts.registry import WORKSPACES
from dashboards.filters import load_data_range, load_options, parse_filters
from dashboards.models import Preference
from dashboards.queries import run_file
from dashboards.versioned import viewer_key
from dashboards.warehouse import client

log = logging.getLogger(__name__)

VERSION_KEY = "warm:version"  # the data version last warmed
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


def warm_viewer(viewer: Viewer) -> tuple[int, int]:
    """Compute the default view of every workspace `viewer` opens; (fragments warmed, failed)."""
    options, data = load_options(viewer), load_data_range(viewer)
    filters = parse_filters(QueryDict(""), options=options, data=data)
    run_file("matches.sql", viewer=viewer, where=filters.restriction())
    done = failed = 0
    for ws in WORKSPACES.values():
        if not viewer.may_open(ws.slug):
            continue
        for chart in ws.on_tab(next(iter(ws.tabs), "")):
            _, status = fragments.render(ws, chart, filters, viewer, palette=Preference().palette)
            done, failed = (done + 1, failed) if status == 200 else (done, failed + 1)
    return done, failed


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


def warm_if_changed() -> Warmed | None:
    """Warm once per data version (across workers: a lock in the cache); None when there was nothing to do."""
    cache = caches["default"]
    version = client.data_version()
    if cache.get(VERSION_KEY) == version:
        return None
    if not cache.add(LOCK_KEY, version, LOCK_SECONDS):
        return None  # another worker is warming
    try:
        warmed = warm_all()
        if warmed.version == client.data_version():  # chart errors are logged; not retried each minute
            cache.set(VERSION_KEY, warmed.version, None)
        return warmed
    finally:
        cache.delete(LOCK_KEY)
