"""Per-request access checks that apply to every URL, so no view can forget them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from . import audit
from .access import roles_for

# URL names a signed-in person with no role may still reach: signing out, the no-access page itself,
# the sign-in pages (to sign in as someone else), single sign-on's own endpoints, the health check and the
# browser's icon.
OPEN_TO_EVERYONE = frozenset(
    {
        "logout",
        "no_access",
        "login",
        "healthz",
        "favicon",
        "oidc_authentication_init",
        "oidc_authentication_callback",
        "oidc_logout",
        "account_logout",
        "account_login",
    }
)


class RequestContextMiddleware:
    """Keeps the current request in a context variable for the audit log's signal handlers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            audit.current_request.reset(token)


class RoleRequiredMiddleware:
    """A signed-in user whose groups grant no role gets the no-access page (403) for every URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_TO_EVERYONE:
            return None
        if roles_for(user):
            return None
        from .views import no_access_response

        audit.record("denied", audit.asked(request), request=request, reason="no role")
        return no_access_response(request)


class OIDCSessionRefreshMiddleware:
    """mozilla-django-oidc's SessionRefresh, while single sign-on is configured: once the last check is
    older than OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS, a page request of an SSO session goes back to the
    provider with prompt=none; a person the provider no longer signs in is signed out, and the groups
    of one it does are read again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        if getattr(settings, "OIDC_ENABLED", False):
            from mozilla_django_oidc.middleware import SessionRefresh

            response = SessionRefresh(self.get_response).process_request(request)
            if response is not None:
                return response
        return self.get_response(request)
