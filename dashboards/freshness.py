"""How fresh the data is: "Data as of <day>, refreshed <time ago>", and a tiny endpoint pages poll.

The day is the warehouse's last day with data; "refreshed" is when the current data version appeared:
the DuckDB file's modification time, or, for Snowflake, the first time any portal process saw the
version (kept in the shared cache). A page that sees the version change refreshes its charts in place.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET

from .warehouse import client


@dataclass(frozen=True)
class Freshness:
    version: str
    as_of: dt.date
    refreshed_at: dt.datetime

    @property
    def words(self) -> str:
        ago = timesince(self.refreshed_at, timezone.now()).split(",")[0]
        return f"Data as of {self.as_of:%-d %b %Y}, refreshed {ago} ago"

    def as_json(self) -> dict[str, str]:
        return {
            "version": self.version,
            "as_of": self.as_of.isoformat(),
            "refreshed_at": self.refreshed_at.isoformat(),
            "words": self.words,
        }


def _refreshed_at(version: str) -> dt.datetime:
    if client.backend_name() == "duckdb":
        try:
            return dt.datetime.fromtimestamp(os.stat(settings.WAREHOUSE_PATH).st_mtime, tz=dt.UTC)
        except OSError:
            pass
    key = f"data-version-seen:{client.sql_hash(version)}"
    now = timezone.now()
    try:
        cache.add(key, now.isoformat(), timeout=None)
        seen = cache.get(key)
    except Exception:  # a cache outage only costs the "refreshed" time its precision
        return now
    return dt.datetime.fromisoformat(seen) if seen else now


def freshness() -> Freshness | None:
    """The current data version and dates, or None when the warehouse cannot say (never raises)."""
    try:
        version = client.data_version()
        return Freshness(version, client.as_of(), _refreshed_at(version))
    except client.WarehouseError:
        return None


def context(request: HttpRequest) -> dict[str, object]:
    """Template context for every signed-in page: the freshness line and how often to poll."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    memo: list[Freshness | None] = []

    def lazily() -> Freshness | None:  # read only by templates that show it (not the admin's)
        if not memo:
            memo.append(freshness())
        return memo[0]

    return {"freshness": lazily, "freshness_poll_seconds": settings.FRESHNESS_POLL_SECONDS}


@require_GET
def data_version(request: HttpRequest) -> JsonResponse:
    """The tiny endpoint an open page polls to learn that new data arrived."""
    fresh = freshness()
    if fresh is None:
        return JsonResponse({"error": "The warehouse cannot tell its data version right now."}, status=503)
    response = JsonResponse(fresh.as_json())
    response["Cache-Control"] = "no-store"
    return response
