"""The admin lists second factors by type and dates and can remove one, but never shows their secrets."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from tests.fixtures.oidc import staff_admin, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, role_user) -> Client:
    client.force_login(staff_admin(role_user("Administrator", username="root")))
    return client


@pytest.fixture
def victim(role_user):  # type: ignore[no-untyped-def]
    person = role_user("CX analyst", username="vera.victim")
    secret = with_totp(person)
    codes = RecoveryCodes.activate(person)
    return person, secret, codes


def test_the_change_page_of_a_totp_authenticator_shows_neither_secret_nor_data(admin_client, victim) -> None:
    person, secret, _ = victim
    totp = Authenticator.objects.get(user=person, type="totp")
    response = admin_client.get(f"/admin/mfa/authenticator/{totp.id}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert secret not in html
    assert totp.data["secret"] not in html
    assert 'name="data"' not in html and "Data:" not in html
    assert "TOTP" in html
    assert f"/admin/mfa/authenticator/{totp.id}/delete/" in html  # the one action offered


def test_the_recovery_codes_seed_is_not_shown_either(admin_client, victim) -> None:
    person, _, codes = victim
    rc = Authenticator.objects.get(user=person, type="recovery_codes")
    html = admin_client.get(f"/admin/mfa/authenticator/{rc.id}/change/").content.decode()
    for value in rc.data.values():
        if isinstance(value, str) and value:
            assert value not in html
    for code in codes.get_unused_codes():
        assert code not in html


def test_the_list_shows_user_type_and_dates(admin_client, victim) -> None:
    person, secret, _ = victim
    html = admin_client.get("/admin/mfa/authenticator/").content.decode()
    assert person.username in html and "TOTP" in html and secret not in html


def test_an_administrator_cannot_change_nor_add_an_authenticator(admin_client, victim) -> None:
    person, _, _ = victim
    totp = Authenticator.objects.get(user=person, type="totp")
    admin_client.post(
        f"/admin/mfa/authenticator/{totp.id}/change/",
        {"user": person.id, "type": "totp", "data": '{"secret": "AAAA"}', "created_at_0": "2026-01-01"},
    )
    totp.refresh_from_db()
    assert totp.data["secret"] != "AAAA"
    assert admin_client.get("/admin/mfa/authenticator/add/").status_code == 403


def test_an_administrator_can_remove_an_authenticator(admin_client, victim) -> None:
    person, _, _ = victim
    totp = Authenticator.objects.get(user=person, type="totp")
    response = admin_client.post(f"/admin/mfa/authenticator/{totp.id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(id=totp.id).exists()
