"""The "API tokens" page: create a token (its secret shown once), see last use and expiry, revoke."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.access import viewer_for

from ..charts.registry import WORKSPACES
from . import tokens


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, strip=True, label="Name (what the token is for)")
    days = forms.IntegerField(min_value=1, max_value=365, label="Valid for (days)")


def _context(request: HttpRequest, form: TokenForm, secret: str = "") -> dict[str, object]:
    viewer = viewer_for(request.user)
    return {
        "form": form,
        "secret": secret,
        "tokens": tokens.active_tokens(request.user),
        "workspaces": [ws for ws in WORKSPACES.values() if viewer.may_open(ws.slug)],
        "nav": "tokens",
    }


@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, initial={"days": settings.API_TOKEN_DAYS})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "dashboards/api_tokens.html", _context(request, form), status=400)
        assert isinstance(request.user, User)  # the page is for signed-in people (middleware)
        token, secret = tokens.issue(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
        audit.record("api", f"token created {token.prefix}", request=request, token=token.prefix)
        response = render(
            request,
            "dashboards/api_tokens.html",
            _context(request, TokenForm(initial={"days": settings.API_TOKEN_DAYS}), secret),
        )
        response["Cache-Control"] = "private, no-store"  # the secret is shown once and never cached
        return response
    return render(request, "dashboards/api_tokens.html", _context(request, form))


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = tokens.revoke(request.user, token_id)
    if token is None:
        messages.error(request, "No such token.")
    else:
        audit.record("api", f"token revoked {token.prefix}", request=request, token=token.prefix)
        messages.success(request, f"Revoked “{token.name}”; it no longer works.")
    return redirect("api_tokens")


urlpatterns = [
    path("api/tokens/", token_page, name="api_tokens"),
    path("api/tokens/<int:token_id>/revoke", token_revoke, name="api_token_revoke"),
]
