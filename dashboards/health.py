"""GET /healthz: the state of the database, the warehouse (and its data's as-of date) and the cache."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .warehouse import client

REQUIRED = ("database", "warehouse")


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means "down"; the message says which
        return {"ok": False, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}


def _cache() -> dict[str, Any]:
    primary_error = getattr(cache, "primary_error", None)  # FallbackRedisCache: does Redis itself answer?
    if primary_error is not None:
        error = primary_error()
        if error:
            return {"ok": False, "error": error, "fallback": "this process's memory"}
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, 10)
        ok = cache.get(key) == token
        cache.delete(key)
    except Exception as exc:
        return {"ok": False, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
    return {"ok": ok} if ok else {"ok": False, "error": "a value written to the cache could not be read back"}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": _database(), "warehouse": client.health(), "cache": _cache()}
    failing = [name for name, state in parts.items() if not state.get("ok")]
    # The site cannot work without its database or the warehouse: 503. Without the cache it works,
    # slower (charts uncached, rate limits per process): 200, "degraded", naming the part.
    down = [name for name in failing if name in REQUIRED]
    degraded = [name for name in failing if name not in REQUIRED]
    status = "down" if down else "degraded" if degraded else "ok"
    body = {"status": status, "down": down, "degraded": degraded, **parts}
    return JsonResponse(body, status=503 if down else 200)
