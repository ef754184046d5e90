"""Who calls: the browser session (CSRF checked on writes) or `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from . import tokens


class TokenAuth(HttpBearer):
    """A personal API token; the request then runs as the token's owner (with their current roles)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = tokens.check(token)
        tokens.throttle(api_token)
        request.user = api_token.owner
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.owner


class PortalSession(SessionAuth):
    """The signed-in browser session; ninja checks CSRF on unsafe methods (csrf=True)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


AUTH = [TokenAuth(), PortalSession(csrf=True)]
