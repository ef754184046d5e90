from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from mozilla_django_oidc import views as oidc_views

from . import views


def _sso(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """mozilla-django-oidc's views, reachable signed out, and absent (404) without SSO configured."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(settings, "OIDC_ENABLED", False):
            raise Http404("Single sign-on is not configured")
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("no-access/", views.no_access, name="no_access"),
    path(
        "oidc/callback/",
        _sso(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "oidc/authenticate/",
        _sso(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    # The name mozilla-django-oidc's middleware expects; the portal's own sign-out does the work.
    path("oidc/logout/", views.sign_out, name="oidc_logout"),
]
