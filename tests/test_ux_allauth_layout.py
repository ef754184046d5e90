"""allauth's own pages (password reset, MFA, confirm access) wear the portal's layout."""

import re

import pytest


@pytest.mark.django_db
def test_the_password_reset_page_has_the_portals_top_bar_stylesheet_and_buttons(client):
    html = client.get("/accounts/password/reset/").content.decode()
    assert 'class="topbar"' in html and re.search(r"css/portal[.\w]*\.css", html)
    assert 'class="allauth-form card"' in html and 'class="button' in html
    assert "Menu:" not in html, "allauth's bare menu is gone"


def test_the_confirm_access_and_mfa_pages_have_the_portals_layout(signed_in):
    for url in ("/accounts/reauthenticate/", "/accounts/2fa/"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'class="topbar"' in html and "Sign out" in html, url
        assert "<title>" in html and "· Customer analytics</title>" in html, url
