"""OIDC settings for mozilla-django-oidc, built from a few values (no Django imports: settings use it).

Endpoints not given explicitly are derived from the issuer with Okta's layout: a custom authorization
server (issuer .../oauth2/<id>) serves <issuer>/v1/authorize, an org server (issuer = the Okta domain)
serves <issuer>/oauth2/v1/authorize; the same for token, userinfo, keys and logout.
"""

from __future__ import annotations

from typing import Any


def okta_endpoint(issuer: str, name: str) -> str:
    base = issuer.rstrip("/")
    return f"{base}/v1/{name}" if "/oauth2/" in base + "/" else f"{base}/oauth2/v1/{name}"


def oidc_settings(
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    authorization_endpoint: str = "",
    token_endpoint: str = "",
    userinfo_endpoint: str = "",
    jwks_endpoint: str = "",
    end_session_endpoint: str | None = None,
    scopes: str = "openid email profile groups",
    renew_seconds: int = 300,
    timeout_seconds: int = 10,
) -> dict[str, Any]:
    """The settings mozilla-django-oidc and accounts.oidc read. end_session_endpoint None: derived from
    the issuer (none without an issuer: the four explicit endpoints say nothing about sign-out);
    "" : the provider has none (sign-out then ends only the portal's session)."""
    if end_session_endpoint is None:
        end_session_endpoint = okta_endpoint(issuer, "logout") if issuer.strip() else ""
    return {
        "OIDC_ENABLED": True,
        "OIDC_ISSUER": issuer.rstrip("/"),
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": scopes,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": authorization_endpoint or okta_endpoint(issuer, "authorize"),
        "OIDC_OP_TOKEN_ENDPOINT": token_endpoint or okta_endpoint(issuer, "token"),
        "OIDC_OP_USER_ENDPOINT": userinfo_endpoint or okta_endpoint(issuer, "userinfo"),
        "OIDC_OP_JWKS_ENDPOINT": jwks_endpoint or okta_endpoint(issuer, "keys"),
        "OIDC_OP_LOGOUT_ENDPOINT": end_session_endpoint,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_STORE_ID_TOKEN": True,  # for id_token_hint at sign-out
        "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS": renew_seconds,
        "OIDC_TIMEOUT": timeout_seconds,
        "OIDC_CREATE_USER": True,
        "OIDC_USERNAME_ALGO": "accounts.oidc.username_from_claims",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_authentication_callback",
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/?sso=failed",
        "OIDC_EXEMPT_URLS": [
            "logout",
            "no_access",
            "login",
            "healthz",
            "favicon",
            "oidc_authentication_callback",
        ],
    }


def origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(sso_urls: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """django-csp's setting: everything from the portal itself, no inline script; inline styles, which
    plotly.js sets on the elements it draws; forms may lead to the identity provider (sign-out)."""
    form_action = ["'self'", *sorted({o for o in map(origin, sso_urls) if o})]
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", "blob:"],
            "font-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "frame-ancestors": ["'none'"],
            "form-action": form_action,
        }
    }
