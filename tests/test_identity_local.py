"""Local accounts with django-allauth: rate-limited sign-in, password reset by e-mail, TOTP required
for staff, no sign-up."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from accounts.models import AuditEvent
from tests.fixtures.portal import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password_afterwards(client, user):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": user.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_in_failed", username=user.username).count() == 5


def test_a_password_is_reset_by_email(client, user, warehouse):
    user.email = "ana@example.com"
    user.save()
    assert client.get("/accounts/password/reset/").status_code == 200
    client.post("/accounts/password/reset/", {"email": "ana@example.com"})
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": "a-new-long-passphrase-42", "password2": "a-new-long-passphrase-42"},
    )
    assert done.status_code == 302
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": "a-new-long-passphrase-42"}
    )
    assert response.status_code == 302


def test_staff_must_set_up_totp_and_then_give_a_code_at_every_sign_in(client, role_user, warehouse):
    admin = role_user("Administrator", username="root")
    admin.is_staff = True
    admin.save()
    response = client.post("/accounts/login/", {"login": "root", "password": TEST_PASSWORD})
    assert response.status_code == 302
    # Every page leads to the TOTP set-up until it is done.
    for url in ("/w/overview/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before an authenticator is added.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": TEST_PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")

    # Next time the password alone is not enough.
    response = client.post("/accounts/login/", {"login": "root", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/w/overview/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_non_staff_users_are_not_asked_for_totp(client, user, warehouse):
    response = client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/w/overview/").status_code == 200


def test_nobody_signs_up(client):
    client.post(
        "/accounts/signup/",
        {"username": "mallory", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert not User.objects.filter(username="mallory").exists()
