"""The NinjaAPI: /api/v1/ (the API), /api/<alias> (the old dashboard's paths), /api/docs, the schema.

Every operation runs as the caller (session or token), is audited, and answers `Cache-Control: private`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI, Swagger

from accounts import audit

from . import aliases, errors, v1
from .auth import AUTH

DESCRIPTION = """The portal's numbers for programs: the same charts, filters, data scopes and cache as the
pages. Authenticate with your browser session (send the CSRF token on writes) or with a personal API
token (`Authorization: Bearer <token>`, created on the "API tokens" page). A token acts with its
owner's current roles. Query parameters are those of the workspace page URL. Errors are JSON
`{"code", "message", "param"}`. Responses carry an ETag; send it back in `If-None-Match` for a 304."""

api = NinjaAPI(
    title="Customer analytics API",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/v1/openapi.json",
    docs_url="/docs",
    # No deep links: Swagger UI puts them as links inside the operation's button (nested controls).
    docs=Swagger(settings={"deepLinking": False}),
    docs_decorator=login_required,
)
errors.install(api)
api.add_router("/v1", v1.router)
# Beside v1's router, not inside it: a nested router's operations take its tags too, and the docs
# then listed each question and scenario operation twice (under "portal" and their own tag).
api.add_router("/v1/questions", "dashboards.api.questions.router")
api.add_router("/v1/scenarios", "dashboards.api.scenarios.router")
api.add_router("", aliases.router)

UNAUDITED = {"openapi-json", "openapi-view", "api-root"}


def _audited(view: Callable[..., HttpResponse], name: str) -> Callable[..., HttpResponse]:
    @login_not_required  # the API answers 401 in JSON itself; the docs page asks for sign-in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True)
        if name not in UNAUDITED:
            token = getattr(request, "api_token", None)
            audit.record(
                "api",
                audit.asked(request),
                request=request,
                status=response.status_code,
                auth="token" if token is not None else "session",
                token=token.prefix if token is not None else "",
            )
        return response

    return wrapper


def urlpatterns() -> list[URLPattern]:
    """The API's URL patterns, mounted at /api/ (include them with namespace 'api')."""
    patterns, _, _ = api.urls
    out = []
    for p in patterns:
        assert isinstance(p, URLPattern)
        if p.name == "openapi-view":  # the docs page: a portal page, behind sign-in like the others
            out.append(p)
        else:
            out.append(URLPattern(p.pattern, _audited(p.callback, p.name or ""), p.default_args, p.name))
    return out


def urls() -> tuple[list[URLPattern], str]:
    """For include(urls(), namespace="api")."""
    return urlpatterns(), "api"
