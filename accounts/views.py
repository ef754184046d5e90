from __future__ import annotations

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .access import granting_groups, group_names, roles_for
from .oidc import provider_logout_url


def no_access_response(request: HttpRequest) -> HttpResponse:
    context = {"groups": granting_groups(), "your_groups": sorted(group_names(request.user))}
    return render(request, "accounts/no_access.html", context, status=403)


@require_GET
def no_access(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if roles_for(request.user):
        return redirect("home")
    return no_access_response(request)


class SignInView(AllauthLoginView):
    """allauth's sign-in (rate limited, TOTP when the user has it); with single sign-on configured,
    the page offers SSO first and this local form second."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


sign_in = login_not_required(SignInView.as_view())


@require_POST
@login_not_required
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the portal's session and, for single sign-on sessions, the provider's too."""
    id_token = request.session.get("oidc_id_token")
    provider_url = provider_logout_url(request, id_token)
    auth.logout(request)
    if provider_url:
        return HttpResponseRedirect(provider_url)
    return redirect(reverse("login"))
