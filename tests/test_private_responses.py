"""Per-user responses are marked private for caches, unsubscribe links expire, and behind a proxy the
sign-in rate limit counts the real client's address, not the proxy's."""

from __future__ import annotations

import os
import types

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.test import Client

from exports import digests
from exports.models import Subscription
from tests.fixtures.portal import TEST_PASSWORD
from tests.fresh_python import run_python

pytestmark = pytest.mark.django_db


# --- Cache-Control: private -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/w/overview/?preset=last_30",
        "/w/overview/chart/kpi_customers/?preset=last_30",
        "/w/overview/chart/kpi_customers.csv?preset=last_30",
        "/w/overview/matches/?preset=last_30",
        "/customers/suggest?q=C00",
        "/customers/?q=C00",
        "/subscriptions/",
        "/w/overview/?region=Atlantis",  # a refusal is per user too
    ],
)
def test_every_signed_in_response_is_private_and_varies_by_cookie(signed_in: Client, url: str) -> None:
    response = signed_in.get(url)
    assert response.status_code in (200, 302, 400), url
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "private" in directives and "public" not in directives
    assert "cookie" in response["Vary"].lower()


def test_static_files_stay_publicly_cacheable(signed_in: Client) -> None:
    from django.templatetags.static import static

    response = signed_in.get(static("css/portal.css"))
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


# --- Unsubscribe links expire ---------------------------------------------------------------------------


@pytest.fixture
def subscription(user: User) -> Subscription:
    return digests.subscription_create(
        user=user, created_by=user, workspace="overview", query="preset=last_30",
        frequency="daily", hour=8, time_zone="UTC",
    )  # fmt: skip


def token_made_days_ago(sub: Subscription, user: User, days: int, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    import time

    then = time.time() - days * 86400
    monkeypatch.setattr(signing, "time", types.SimpleNamespace(time=lambda: then))
    token = digests.unsubscribe_token(sub, user)
    monkeypatch.undo()
    return token


def test_an_unsubscribe_link_older_than_its_lifetime_has_expired_and_changes_nothing(
    client: Client, subscription: Subscription, user: User, settings, monkeypatch
) -> None:
    settings.UNSUBSCRIBE_LINK_DAYS = 60
    token = token_made_days_ago(subscription, user, 61, monkeypatch)
    response = client.post(f"/unsubscribe/{token}/")
    assert response.status_code == 410
    assert b"expired" in response.content and b"/subscriptions/" in response.content
    assert Subscription.objects.filter(id=subscription.id).exists()


def test_a_link_within_its_lifetime_still_unsubscribes(
    client: Client, subscription: Subscription, user: User, settings, monkeypatch
) -> None:
    settings.UNSUBSCRIBE_LINK_DAYS = 60
    token = token_made_days_ago(subscription, user, 59, monkeypatch)
    response = client.post(f"/unsubscribe/{token}/")
    assert response.status_code == 200 and b"no longer receive" in response.content
    assert not Subscription.objects.filter(id=subscription.id).exists()
    assert "no-store" in response["Cache-Control"]


def test_the_link_lifetime_is_a_setting(
    settings, subscription: Subscription, user: User, monkeypatch
) -> None:
    settings.UNSUBSCRIBE_LINK_DAYS = 5
    token = token_made_days_ago(subscription, user, 6, monkeypatch)
    with pytest.raises(digests.LinkExpired):
        digests.unsubscribe_target(token)


# --- The real client address behind a proxy ------------------------------------------------------------


def settings_value(name: str, **environment: str) -> str:
    """A setting as config/settings.py computes it from this environment (a fresh interpreter)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEHIND_PROXY", "TRUSTED_"))}
    env.update(environment, DJANGO_SETTINGS_MODULE="config.settings")
    code = f"import django; django.setup(); from django.conf import settings; print(repr(getattr(settings, {name!r}, None)))"
    return run_python(code, env).stdout.strip().splitlines()[-1]


def test_behind_a_proxy_allauth_trusts_one_forwarded_hop_and_not_otherwise() -> None:
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT", BEHIND_PROXY="true") == "1"
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT", BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="2") == "2"
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT") in ("0", "None")


def test_the_sign_in_rate_limit_counts_each_client_behind_the_proxy_separately(settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip,5/5m/key"}
    User.objects.create_user("good.user", password=TEST_PASSWORD)
    # Everyone reaches the portal from the proxy's address; the proxy appends the client's.
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    for i in range(4):
        attacker.post("/accounts/login/", {"login": f"nobody{i}", "password": "wrong"})
    refused = attacker.post("/accounts/login/", {"login": "good.user", "password": TEST_PASSWORD})
    assert b"Too many failed login attempts" in refused.content
    # A spoofed left-most entry does not give the attacker a fresh count...
    spoofing = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
    assert b"Too many" in spoofing.post("/accounts/login/", {"login": "good.user", "password": "x"}).content
    # ...while another client behind the same proxy signs in.
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    response = colleague.post("/accounts/login/", {"login": "good.user", "password": TEST_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in colleague.session


def test_the_audit_log_records_the_same_client_address_the_rate_limit_counts(settings) -> None:
    from accounts.models import AuditEvent

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7").post(
        "/accounts/login/", {"login": "nobody", "password": "wrong"}
    )
    assert AuditEvent.objects.get(action="sign_in_failed").ip == "198.51.100.7"
