"""Single sign-on: mozilla-django-oidc's authorization-code flow, with the portal's checks on top.

mozilla-django-oidc checks the state and the nonce, uses PKCE, and verifies the ID token's RS256
signature against the provider's JWKS (and its expiry). This backend also checks the issuer and the
audience, reads the claims of the ID token and of userinfo together, and at every sign-in replaces
the user's groups with the `groups` claim, so a changed group takes effect at the next sign-in.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from requests.exceptions import RequestException

from . import audit

logger = logging.getLogger(__name__)


def username_from_claims(email: str, claims: dict[str, Any] | None = None) -> str:
    claims = claims or {}
    return str(claims.get("preferred_username") or email or claims.get("sub"))[:150]


def groups_from_claims(claims: dict[str, Any]) -> list[str]:
    groups = claims.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return sorted({str(g) for g in groups if str(g).strip()})


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Always listed in AUTHENTICATION_BACKENDS; inert while single sign-on is not configured."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.enabled = sso_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            from django.contrib.auth import get_user_model

            self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not self.enabled:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, RequestException, jwt.PyJWTError, ValueError) as exc:
            # A tampered, expired or foreign token, or a provider that does not answer: refused.
            logger.warning("single sign-on refused: %s", exc)
            audit.record("sign_in_failed", "sso", request=request, reason=str(exc)[:500])
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        issuer = getattr(settings, "OIDC_ISSUER", "")
        if issuer and payload.get("iss", "").rstrip("/") != issuer:
            raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this portal")
        if "exp" not in payload or payload["exp"] < time.time():
            raise SuspiciousOperation("ID token has expired")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed (not overridden for sub) by the userinfo endpoint's."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        claims = {**payload, **userinfo}
        if "groups" not in userinfo and "groups" in payload:
            claims["groups"] = payload["groups"]
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub")) and bool(claims.get("email"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(username__iexact=self.get_username(claims))

    def create_user(self, claims: dict[str, Any]) -> User:
        user = self.UserModel.objects.create_user(self.get_username(claims), email=claims.get("email", ""))
        user.set_unusable_password()
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        """Replace the user's groups with the claim's; the admin flag follows the roles they grant."""
        from .access import roles_for_groups

        if user.has_usable_password():
            # A local (password) account of the same name is never taken over by single sign-on.
            raise SuspiciousOperation(f"{user.username} is a local account")
        names = groups_from_claims(claims)
        groups = [Group.objects.get_or_create(name=name)[0] for name in names]
        user.groups.set(groups)
        is_admin = any(role.is_admin for role in roles_for_groups(names))
        user.email = claims.get("email", user.email)
        user.first_name = str(claims.get("given_name", user.first_name))[:150]
        user.last_name = str(claims.get("family_name", user.last_name))[:150]
        user.is_staff = is_admin
        user.save()
        user.__dict__.pop("_portal_roles", None)
        logger.info("sso sign-in %s groups=%s", user.username, names)
        return user


def is_absolute_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def provider_logout_url(request: HttpRequest, id_token: str | None) -> str | None:
    """The provider's end-session URL for this session (RP-initiated logout), or None."""
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "") or ""
    if not (getattr(settings, "OIDC_ENABLED", False) and id_token and is_absolute_url(endpoint)):
        # No provider endpoint really known: end the portal's session only, and never put the ID
        # token in a URL that is not the provider's (a relative one would be the portal's own).
        return None
    params = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        "client_id": getattr(settings, "OIDC_RP_CLIENT_ID", ""),
    }
    return f"{endpoint}?{urlencode(params)}"
