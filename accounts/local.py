"""Local accounts with django-allauth: the embedded default and break-glass administrators.

allauth runs the sign-in (rate limited), password reset by e-mail and TOTP multi-factor; nobody signs
up (accounts are made by administrators or `manage.py demo_users`). Staff users must have TOTP: until
they set it up, every page leads to the set-up page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


# No account name or e-mail address is longer; no password needs to be (hashing a huge one is slow).
MAX_LOGIN_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024


def _cap(field: forms.Field, limit: int) -> None:
    field.max_length = limit  # type: ignore[attr-defined]
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


class SignInForm(LoginForm):
    """allauth's form; also takes `username` (the name of Django's own field) for `login`. The name and
    password are length-checked before anything looks them up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        _cap(self.fields["login"], MAX_LOGIN_LENGTH)
        if "password" in self.fields:
            _cap(self.fields["password"], MAX_PASSWORD_LENGTH)


def has_totp(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# URL names a staff user without TOTP may still reach: setting it up, and signing out.
MFA_SETUP_OPEN = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_reauthenticate",
        "logout",
        "account_logout",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
    }
)


class StaffMFAMiddleware:
    """Staff who signed in with a password must have TOTP; single sign-on leaves MFA to the provider."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        if "oidc" in request.session.get(BACKEND_SESSION_KEY, "").lower():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_SETUP_OPEN:
            return None
        if has_totp(user):
            return None
        return redirect("mfa_activate_totp")
