"""Rights shape the interface: a role that may not export sees no CSV link, no "Export PDF" and no
"attach the PDF"; a role that may not subscribe sees no "Subscribe" nor "Set alert"; several roles
add up. Every refusal is a page in the portal's layout that says why."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import Role
from dashboards.charts.overview import OVERVIEW
from exports import digests
from exports.models import Alert, Subscription

pytestmark = pytest.mark.django_db

QUERY = "preset=last_30"
STARTING = (
    "CX analyst",
    "Support lead",
    "Product manager",
    "Customer success manager",
    "Executive",
    "Administrator",
)


@pytest.fixture
def reader_role() -> Role:
    """Opens Overview; may neither export nor subscribe."""
    return Role.objects.create(
        name="Reader", idp_groups=["Reader"], workspaces=["overview"], can_export=False, can_subscribe=False
    )


def signed_in_as(client: Client, role_user, role: str, *others: str) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(role_user(role, groups=others))
    return client


def controls(client: Client) -> dict[str, bool]:
    page = client.get(f"/w/overview/?{QUERY}")
    assert page.status_code == 200
    html = page.content.decode()
    kpi = client.get(f"/w/overview/chart/{OVERVIEW.kpis[0].id}/?{QUERY}").content.decode()
    return {
        "csv": ".csv?" in html,
        "kpi csv": ".csv?" in kpi,
        "pdf": "Export PDF" in html and "/export.pdf" in html,
        "subscribe": 'href="/w/overview/subscribe/' in html,
        "alert": 'href="/w/overview/alert/' in html,
    }


@pytest.mark.parametrize("role_name", STARTING)
def test_each_starting_role_sees_exactly_the_controls_its_rights_allow(
    client: Client, warehouse, role_user, role_name: str
) -> None:
    role = Role.objects.get(name=role_name)
    seen = controls(signed_in_as(client, role_user, role_name))
    assert seen == {
        "csv": role.can_export,
        "kpi csv": role.can_export,
        "pdf": role.can_export,
        "subscribe": role.can_subscribe,
        "alert": role.can_subscribe,
    }


def test_the_executive_sees_no_csv_link_and_no_export_button(client: Client, warehouse, role_user) -> None:
    html = signed_in_as(client, role_user, "Executive").get(f"/w/overview/?{QUERY}").content.decode()
    assert len(re.findall(r"\.csv\?", html)) == 0
    assert "Export PDF" not in html
    assert "Subscribe" in html


def test_a_role_without_export_or_subscribe_sees_none_of_them(
    client: Client, warehouse, role_user, reader_role: Role
) -> None:
    assert controls(signed_in_as(client, role_user, "Reader")) == dict.fromkeys(
        ("csv", "kpi csv", "pdf", "subscribe", "alert"), False
    )


@pytest.mark.parametrize(
    ("roles", "export", "subscribe"),
    [
        (("Executive", "Support lead"), True, True),
        (("Reader", "Executive"), False, True),
        (("Reader", "CX analyst"), True, True),
    ],
)
def test_several_roles_add_up_their_rights(
    client: Client,
    warehouse,
    role_user,
    reader_role: Role,
    roles: tuple[str, ...],
    export: bool,
    subscribe: bool,
) -> None:
    signed_in_as(client, role_user, *roles)
    seen = controls(client)
    assert (seen["csv"], seen["pdf"], seen["subscribe"]) == (export, export, subscribe)
    csv = client.get(f"/w/overview/chart/{OVERVIEW.panels[0].id}.csv?{QUERY}")
    assert csv.status_code == (200 if export else 403)


def test_the_subscribe_form_offers_the_pdf_only_to_a_role_that_may_export(
    client: Client, warehouse, role_user
) -> None:
    executive = signed_in_as(Client(), role_user, "Executive")
    analyst = signed_in_as(client, role_user, "CX analyst")
    assert 'name="attach_pdf"' not in executive.get(f"/w/overview/subscribe/?{QUERY}").content.decode()
    assert 'name="attach_pdf"' in analyst.get(f"/w/overview/subscribe/?{QUERY}").content.decode()


def test_an_executive_posting_attach_pdf_anyway_is_refused_on_a_page_that_says_why(
    client: Client, warehouse, role_user
) -> None:
    signed_in_as(client, role_user, "Executive")
    response = client.post(
        f"/w/overview/subscribe/?{QUERY}", {"frequency": "weekly", "time_zone": "UTC", "attach_pdf": "on"}
    )
    assert_refusal_page(response, "may not export")
    assert not Subscription.objects.exists()


def assert_refusal_page(response, why: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'class="topbar"' in html and "<main" in html  # the portal's layout
    assert why in html
    assert 'href="/w/overview/' in html  # the sidebar, to go on from there


@pytest.mark.parametrize(
    ("method", "url", "why"),
    [
        ("get", f"/w/overview/chart/{OVERVIEW.panels[0].id}.csv?{QUERY}", "may not export"),
        ("post", f"/w/overview/export.pdf?{QUERY}", "may not export"),
    ],
)
def test_export_refusals_are_pages_in_the_layout(
    client: Client, warehouse, role_user, method: str, url: str, why: str
) -> None:
    signed_in_as(client, role_user, "Executive")
    assert_refusal_page(getattr(client, method)(url), why)


def test_subscription_and_alert_refusals_are_pages_in_the_layout(
    client: Client, warehouse, role_user, reader_role: Role
) -> None:
    reader = role_user("Reader")
    client.force_login(reader)
    assert_refusal_page(client.get(f"/w/overview/subscribe/?{QUERY}"), "may not subscribe")
    assert_refusal_page(client.get(f"/w/overview/alert/?{QUERY}"), "may not set alerts")
    # A subscription and an alert made before the role changed: they can be stopped, not restarted.
    sub = digests.subscription_create(
        user=reader,
        created_by=reader,
        workspace="overview",
        query=QUERY,
        frequency="daily",
        hour=8,
        time_zone="UTC",
    )
    assert_refusal_page(client.post(f"/subscriptions/{sub.id}/send-now/"), "may not subscribe")
    digests.subscription_pause(sub)
    assert_refusal_page(client.post(f"/subscriptions/{sub.id}/resume/"), "may not subscribe")
    alert = Alert.objects.create(
        user=reader, workspace="overview", chart_id="kpi_customers", threshold=1, active=False
    )
    assert_refusal_page(client.post(f"/alerts/{alert.id}/resume/"), "may not set alerts")
    assert client.post(f"/subscriptions/{sub.id}/unsubscribe/").status_code == 302
    assert client.post(f"/alerts/{alert.id}/delete/").status_code == 302
    assert not Subscription.objects.exists() and not Alert.objects.exists()


def test_django_permission_denied_renders_the_same_page(rf, user) -> None:
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/somewhere/")
    request.user = user
    response = permission_denied(request, PermissionDenied("Not for you."))
    html = response.content.decode()
    assert response.status_code == 403 and 'class="topbar"' in html and "Not for you." in html
