"""The audit log: sign-in and out, failed sign-in, exports, admin changes, denied access; read-only admin."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent, Role
from tests.fixtures.oidc import staff_admin
from tests.fixtures.portal import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_sign_in_sign_out_and_a_failed_sign_in_are_recorded_with_ip(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(
        "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    failed, signed_in, signed_out = events("sign_in_failed"), events("sign_in"), events("sign_out")
    assert [e.username for e in failed] == [user.username]
    assert [(e.user, e.ip, e.what) for e in signed_in] == [(user, "10.1.2.3", "password")]
    assert signed_in[0].detail["roles"] == ["Administrator"]
    assert [e.user for e in signed_out] == [user]


def test_a_csv_export_and_a_refused_one_are_recorded_with_what_was_asked(client, warehouse, role_user):
    client.force_login(role_user("CX analyst"))
    client.get("/w/overview/chart/kpi_customers.csv?preset=last_30")
    (export,) = events("export")
    assert export.what == "GET /w/overview/chart/kpi_customers.csv?preset=last_30"
    assert export.username == "u-cx-analyst" and export.ip == "127.0.0.1"
    client.force_login(role_user("Executive"))
    assert client.get("/w/overview/chart/kpi_customers.csv").status_code == 403
    (denied,) = events("denied")
    assert denied.username == "u-executive" and "kpi_customers.csv" in denied.what


def test_admin_changes_to_roles_are_recorded(client, role_user):
    admin = staff_admin(role_user("Administrator"))
    client.force_login(admin)
    role = Role.objects.get(name="Executive")
    response = client.post(
        f"/admin/accounts/role/{role.pk}/change/",
        {
            "name": "Executive",
            "description": role.description,
            "idp_groups": '["portal-executives", "Executive", "portal-board"]',
            "snowflake_role": role.snowflake_role,
            "scope": "{}",
            "workspaces": '["overview"]',
            "can_subscribe": "on",
        },
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (change,) = events("admin_change")
    assert change.user == admin and change.ip == "10.9.9.9"
    assert "role" in change.what and "Executive" in change.what
    assert Role.objects.get(name="Executive").workspaces == ["overview"]


def test_the_audit_log_is_read_only_in_the_admin(client, role_user):
    admin = staff_admin(role_user("Administrator"))
    client.force_login(admin)
    event = AuditEvent.objects.create(action="export", username="x", what="GET /x")
    assert client.get("/admin/accounts/auditevent/").status_code == 200
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
