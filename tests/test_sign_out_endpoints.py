"""Sign-out with single sign-on goes to the provider's end-session endpoint only when one is really
known (derived from an issuer, or set explicitly); otherwise it ends the portal's session alone, and
the ID token never appears in a URL of the portal itself."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

from accounts.oidc_config import oidc_settings
from tests.fresh_python import run_python

pytestmark = pytest.mark.django_db
ENDPOINTS: dict[str, Any] = {
    "authorization_endpoint": "https://idp.example.com/authorize",
    "token_endpoint": "https://idp.example.com/token",
    "userinfo_endpoint": "https://idp.example.com/userinfo",
    "jwks_endpoint": "https://idp.example.com/jwks",
}


def test_four_endpoints_without_an_issuer_have_no_logout_endpoint() -> None:
    values = oidc_settings(issuer="", client_id="portal", client_secret="s", **ENDPOINTS)
    assert values["OIDC_OP_LOGOUT_ENDPOINT"] == ""


def test_an_issuer_derives_the_logout_endpoint_and_an_explicit_one_wins() -> None:
    okta = "https://acme.okta.com/oauth2/default"
    assert oidc_settings(issuer=okta, client_id="p", client_secret="")["OIDC_OP_LOGOUT_ENDPOINT"] == (
        f"{okta}/v1/logout"
    )
    explicit = oidc_settings(
        issuer="",
        client_id="p",
        client_secret="",
        end_session_endpoint="https://idp.example.com/end",
        **ENDPOINTS,
    )
    assert explicit["OIDC_OP_LOGOUT_ENDPOINT"] == "https://idp.example.com/end"


def test_the_settings_module_with_the_four_endpoints_sets_no_relative_logout_url() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update(
        {f"OIDC_OP_{k.split('_')[0].upper()}_ENDPOINT": v for k, v in ENDPOINTS.items()},
        OIDC_RP_CLIENT_ID="portal",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OIDC_ENABLED, repr(settings.OIDC_OP_LOGOUT_ENDPOINT))"
    )
    out = run_python(code, env)
    assert out.stdout.strip().splitlines()[-1] == "True ''"


def sso_settings(settings, logout_endpoint: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in oidc_settings(issuer="", client_id="portal", client_secret="s", **ENDPOINTS).items():
        setattr(settings, name, value)
    settings.OIDC_OP_LOGOUT_ENDPOINT = logout_endpoint


def signed_in_with_sso(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(user, backend="accounts.oidc.PortalOIDCBackend")
    session = client.session
    session["oidc_id_token"] = "eyJhbGciOiJSUzI1NiJ9.secret-claims.signature"
    session.save()
    return client


@pytest.mark.parametrize("endpoint", ["", "/oauth2/v1/logout", "oauth2/v1/logout"])
def test_without_a_real_endpoint_sign_out_ends_only_the_portal_session(
    client: Client, user, settings, endpoint: str
) -> None:
    sso_settings(settings, endpoint)
    signed_in_with_sso(client, user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "id_token" not in response["Location"]
    assert "_auth_user_id" not in client.session


def test_with_a_real_endpoint_sign_out_goes_to_the_provider(client: Client, user, settings) -> None:
    sso_settings(settings, "https://idp.example.com/end")
    signed_in_with_sso(client, user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://idp.example.com/end?id_token_hint=")
    assert "_auth_user_id" not in client.session
