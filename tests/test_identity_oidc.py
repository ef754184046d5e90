"""Single sign-on end to end: a real OpenID Connect provider (npm oidc-provider) on loopback, the
portal on live_server, Debian's Chromium in between."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from accounts.access import DataScope, viewer_for
from accounts.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def portal(oidc_settings, live_server, warehouse) -> str:
    return live_server.url


def sso_sign_in(page: Page, portal: str, login: str) -> None:
    page.goto(portal + "/")
    assert "/accounts/login/" in page.url
    # SSO is offered first, the local form second.
    sso = page.get_by_role("link", name="Sign in with single sign-on")
    local = page.get_by_text("Sign in with a local account")
    sso_box, local_box = sso.bounding_box(), local.bounding_box()
    assert sso_box is not None and local_box is not None
    assert sso_box["y"] < local_box["y"]
    sso.click()
    # The provider's own sign-in form (oidc-provider's development interaction).
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: url.startswith(portal) and "/oidc/" not in url)


def sidebar(page: Page) -> list[str]:
    return page.locator("nav.sidebar a").evaluate_all("els => els.map(e => e.getAttribute('href'))")


def test_sign_in_maps_the_groups_claim_to_a_role(page, portal, oidc_provider):
    oidc_provider.set_user("alice", email="alice@example.com", groups=["portal-support-leads", "unrelated"])
    sso_sign_in(page, portal, "alice")
    assert page.url.startswith(portal + "/w/overview/")
    expect(page.locator(".user-name")).to_have_text("alice@example.com")
    listed = {h.split("/")[2] for h in sidebar(page) if h.startswith("/w/")}
    assert {"overview", "support"} <= listed <= {"overview", "support", "sentiment", "journey", "campaigns"}
    user = User.objects.get(username="alice@example.com")
    assert sorted(user.groups.values_list("name", flat=True)) == ["portal-support-leads", "unrelated"]
    viewer = viewer_for(user)
    assert viewer.roles == ("Support lead",) and viewer.scope == DataScope.of({"region": ["EMEA"]})
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(action="sign_in", what="sso", username=user.username).exists()
    assert page.goto(portal + "/w/product/").status == 404


def test_a_person_whose_groups_map_to_no_role_sees_the_no_access_page(page, portal, oidc_provider):
    oidc_provider.set_user("bob", email="bob@example.com", groups=["portal-interns"])
    sso_sign_in(page, portal, "bob")
    expect(page.get_by_role("heading", name="You have no access to this portal")).to_be_visible()
    expect(page.locator(".group-list")).to_contain_text("portal-support-leads")
    for url in ("/w/overview/", "/w/overview/chart/kpi_customers.csv", "/admin/"):
        response = page.goto(portal + url)
        assert response.status == 403, url
        expect(page.get_by_role("heading", name="You have no access to this portal")).to_be_visible()


def test_sign_out_ends_the_portal_and_the_provider_session(page, portal, oidc_provider):
    oidc_provider.set_user("carol", email="carol@example.com", groups=["portal-executives"])
    sso_sign_in(page, portal, "carol")
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to confirm its own sign-out (RP-initiated logout), then comes back.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(portal + "/accounts/login/**")
    assert AuditEvent.objects.filter(action="sign_out", username="carol@example.com").exists()
    page.goto(portal + "/w/overview/")
    assert "/accounts/login/" in page.url
    page.goto(portal + "/w/overview/chart/kpi_customers.csv")
    assert "/accounts/login/" in page.url
    # The provider forgot the session too: it asks for the credentials again.
    page.get_by_role("link", name="Sign in with single sign-on").click()
    expect(page.locator("input[name=login]")).to_be_visible()


def test_a_changed_group_takes_effect_at_the_next_sign_in(page, portal, oidc_provider):
    oidc_provider.set_user("dan", email="dan@example.com", groups=["portal-support-leads"])
    sso_sign_in(page, portal, "dan")
    assert any(h.startswith("/w/support/") for h in sidebar(page))
    oidc_provider.set_user("dan", email="dan@example.com", groups=["portal-product-managers"])
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(portal + "/accounts/login/**")
    sso_sign_in(page, portal, "dan")
    links = sidebar(page)
    assert any(h.startswith("/w/product/") for h in links)
    assert not any(h.startswith("/w/support/") for h in links)
    user = User.objects.get(username="dan@example.com")
    assert list(user.groups.values_list("name", flat=True)) == ["portal-product-managers"]


@pytest.mark.parametrize("switch", ["tamper", "expired"])
def test_a_tampered_or_expired_id_token_is_refused(page, portal, oidc_provider, switch):
    oidc_provider.set_user("eve", email="eve@example.com", groups=["portal-cx-analysts"])
    oidc_provider.configure(**{switch: True})
    try:
        sso_sign_in(page, portal, "eve")
    finally:
        oidc_provider.configure(tamper=False, expired=False)
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("alert")).to_contain_text("Single sign-on did not sign you in")
    assert not User.objects.filter(username="eve@example.com").exists()
    failed = AuditEvent.objects.get(action="sign_in_failed", what="sso")
    assert ("expired" if switch == "expired" else "verification failed") in failed.detail["reason"]
    page.goto(portal + "/w/overview/")
    assert "/accounts/login/" in page.url
    page.goto(portal + "/w/overview/chart/kpi_customers.csv")
    assert "/accounts/login/" in page.url


def test_the_session_is_rechecked_with_the_provider_so_a_removed_person_loses_access(
    page, portal, oidc_provider, settings
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 2
    oidc_provider.set_user("fay", email="fay@example.com", groups=["portal-cx-analysts"])
    sso_sign_in(page, portal, "fay")
    assert page.url.startswith(portal + "/w/overview/")
    # Within the re-check interval nothing happens; after it, the provider is asked again (prompt=none).
    oidc_provider.set_user("fay", email="fay@example.com", groups=["portal-interns"])
    time.sleep(2.5)
    page.goto(portal + "/w/overview/")
    expect(page.get_by_role("heading", name="You have no access to this portal")).to_be_visible()
    oidc_provider.remove_user("fay")
    time.sleep(2.5)
    page.goto(portal + "/w/overview/")
    assert "/accounts/login/" in page.url
    page.goto(portal + "/w/overview/chart/kpi_customers.csv")
    assert "/accounts/login/" in page.url
