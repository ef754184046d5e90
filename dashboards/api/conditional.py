"""Conditional JSON answers: an ETag from the warehouse's data version, the viewer and the parameters."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from pydantic import BaseModel

from accounts.access import Viewer

from ..warehouse import client


def plain(value: Any) -> Any:
    """A JSON value of the natural type: numbers stay numbers, dates become ISO strings."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return plain(value.item())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def etag_for(request: HttpRequest, viewer: Viewer) -> str:
    """Changes with the data, the viewer's roles and scope, the path and the parameters (in any order)."""
    parts = [
        client.data_version(),
        str(getattr(request.user, "pk", "")),
        repr((viewer.roles, viewer.scope, viewer.pii, viewer.pii_scope)),
        request.path,
        repr(sorted((k, sorted(request.GET.getlist(k))) for k in request.GET)),
    ]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def json_response(schema: type[BaseModel] | None, data: Any, *, status: int = 200) -> HttpResponse:
    payload = (
        schema.model_validate(plain(data)).model_dump(mode="json") if schema is not None else plain(data)
    )
    response = HttpResponse(json.dumps(payload), content_type="application/json", status=status)
    patch_cache_control(response, private=True)
    return response


def conditional(
    request: HttpRequest, viewer: Viewer, schema: Any, produce: Callable[[], Any]
) -> HttpResponse:
    """304 when If-None-Match names the current ETag (nothing runs); else the JSON, tagged."""
    etag = etag_for(request, viewer)
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
    else:
        response = json_response(schema, produce())
    response["ETag"] = etag
    patch_cache_control(response, private=True)
    return response
