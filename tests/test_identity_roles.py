"""Roles -> viewer: unions, the no-access page, the admin flag, the demo users."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError

from accounts.access import EVERY_CUSTOMER, NO_CUSTOMER, DataScope, NoAccess, viewer_for
from accounts.models import Role

pytestmark = pytest.mark.django_db

F = frozenset


def test_a_user_with_several_roles_gets_the_union_of_workspaces_and_any_permission(role_user):
    user = role_user("Support lead", groups=("Product manager",))
    viewer = viewer_for(user)
    assert viewer.workspaces == F(
        {"overview", "support", "sentiment", "journey", "product", "insights", "campaigns"}
    )
    assert viewer.roles == ("Product manager", "Support lead")
    # Product manager sees every customer, so the union does too.
    assert viewer.scope == EVERY_CUSTOMER and viewer.scope.unrestricted
    assert not viewer.pii and viewer.can_export and viewer.can_subscribe and not viewer.is_admin


def test_a_user_with_several_roles_runs_as_all_their_snowflake_roles_an_unrestricted_one_first(role_user):
    # Two scoped roles: both, by name (Snowflake's row access policy then sees both scopes).
    both = viewer_for(role_user("Support lead", groups=("Customer success manager",)))
    assert both.snowflake_role == "PORTAL_CS_MANAGER,PORTAL_SUPPORT_LEAD"
    # With an unrestricted role, that one is the primary role and the others follow.
    three = viewer_for(
        role_user("Support lead", username="u-three", groups=("Product manager", "Customer success manager"))
    )
    assert three.snowflake_role == "PORTAL_PRODUCT_MANAGER,PORTAL_CS_MANAGER,PORTAL_SUPPORT_LEAD"
    assert viewer_for(role_user("Executive")).snowflake_role == "PORTAL_EXECUTIVE"


def test_a_snowflake_role_must_be_a_plain_snowflake_name():
    role = Role(name="x", idp_groups=["g"], snowflake_role="PORTAL_A,PORTAL_B")
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert set(error.value.message_dict) == {"snowflake_role"}
    for bad in ("PORTAL A", '"Portal"', "1PORTAL", "PORTAL;DROP"):
        role.snowflake_role = bad
        with pytest.raises(ValidationError, match="Snowflake role name"):
            role.full_clean()
    for good in ("PORTAL_A", "portal_a", "_X$1", ""):
        role.snowflake_role = good
        role.full_clean()


def test_a_scope_union_is_the_disjunction_of_each_roles_conjunction():
    assert DataScope.of({"region": ["EMEA"]}, {}) == EVERY_CUSTOMER
    emea_or_premium = DataScope.of({"region": ["EMEA"]}, {"plan_tier": ["Premium"]})
    assert emea_or_premium.grants == ((("plan_tier", ("Premium",)),), (("region", ("EMEA",)),))
    crossed = DataScope.of(
        {"region": ["EMEA"], "plan_tier": ["Standard"]},
        {"region": ["NA"], "plan_tier": ["Premium"]},
    )
    assert crossed.allows({"region": "EMEA", "plan_tier": "Standard"})
    assert crossed.allows({"region": "NA", "plan_tier": "Premium"})
    # Neither role grants EMEA Premium or NA Standard: the union must not either.
    assert not crossed.allows({"region": "EMEA", "plan_tier": "Premium"})
    assert not crossed.allows({"region": "NA", "plan_tier": "Standard"})
    assert not crossed.unrestricted and not crossed.empty


def test_an_attribute_with_no_values_allows_nobody_and_never_widens_a_scope():
    assert DataScope.of({"region": []}) == NO_CUSTOMER
    assert DataScope.of({"region": [], "plan_tier": ["Premium"]}) == NO_CUSTOMER
    assert DataScope.of({"region": []}, {"plan_tier": ["Premium"]}) == DataScope.of(
        {"plan_tier": ["Premium"]}
    )
    assert not NO_CUSTOMER.allows({"region": "EMEA"})


def test_pii_snowflake_role_and_admin_come_from_the_roles(role_user):
    viewer = viewer_for(role_user("Customer success manager"))
    assert viewer.pii and viewer.snowflake_role == "PORTAL_CS_MANAGER"
    assert viewer.scope == DataScope.of({"region": ["NA"], "value_segment": ["High Value", "Medium Value"]})
    assert viewer.pii_scope is None
    assert viewer_for(role_user("Administrator")).is_admin


def test_a_user_whose_groups_map_to_no_role_has_no_viewer(role_user):
    with pytest.raises(NoAccess):
        viewer_for(role_user("", username="nobody", groups=("some-other-group",)))


def test_role_validation_refuses_unknown_attributes_workspaces_and_empty_values():
    role = Role(name="x", idp_groups=["g"], scope={"country": ["DE"]}, workspaces=["overview"])
    with pytest.raises(ValidationError, match="country"):
        role.full_clean()
    role.scope, role.workspaces = {"region": []}, ["nowhere"]
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert set(error.value.message_dict) == {"scope", "workspaces"}


URLS = [
    "/",
    "/w/overview/",
    "/w/overview/chart/kpi_customers/",
    "/w/overview/chart/kpi_customers.csv",
    "/customers/",
    "/admin/",
]


@pytest.mark.parametrize("url", URLS)
def test_no_role_means_the_no_access_page_everywhere_naming_the_granting_groups(
    client, warehouse, role_user, url
):
    from django.urls import Resolver404, resolve

    try:
        resolve(url)
    except Resolver404:
        pytest.skip(f"{url} does not exist yet")
    client.force_login(role_user("", username="nobody", groups=("portal-interns",)))
    response = client.get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert "You have no access to this portal" in body
    for group in ("portal-cx-analysts", "portal-admins", "Support lead"):
        assert group in body
    assert "portal-interns" in body  # their own groups, to tell the administrator


def test_the_no_access_page_itself_and_sign_out_still_work(client, role_user):
    client.force_login(role_user("", username="nobody"))
    assert client.get("/accounts/no-access/").status_code == 403
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/w/overview/").status_code == 302  # signed out: to the sign-in page


def test_only_administrators_reach_the_admin(client, role_user):
    from tests.fixtures.oidc import staff_admin

    admin = staff_admin(role_user("Administrator"))
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/role/").status_code == 200
    # Staff and superuser flags alone do not open it: the role flag does.
    from tests.fixtures.oidc import with_totp

    other = role_user("Executive")
    other.is_staff = other.is_superuser = True
    other.save()
    with_totp(other)
    client.force_login(other)
    assert client.get("/admin/").status_code == 302
    # The role without the staff flag does not open it either.
    client.force_login(role_user("Administrator", username="admin-not-staff"))
    assert client.get("/admin/").status_code == 302


def test_each_demo_user_gets_its_starting_role(settings, tmp_path):
    from accounts.demo import ensure_demo_users

    settings.VAR_DIR = tmp_path
    for login in ensure_demo_users():
        viewer = viewer_for(User.objects.get(username=login.username))
        assert viewer.roles == (login.role,)


def test_demo_users_command_prints_one_login_per_role(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo_users", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "username:" in line]
    assert len(lines) == Role.objects.count() == 6
    assert Group.objects.filter(name="Administrator").exists()


def test_the_user_menu_links_the_admin_for_administrators_only(client, warehouse, role_user):
    from tests.fixtures.oidc import staff_admin

    client.force_login(staff_admin(role_user("Administrator")))
    assert 'href="/admin/"' in client.get("/w/overview/").content.decode()
    client.force_login(role_user("Administrator", username="not-staff"))
    assert 'href="/admin/"' not in client.get("/w/overview/").content.decode()
    client.force_login(role_user("Support lead"))
    assert 'href="/admin/"' not in client.get("/w/overview/").content.decode()


def test_the_browsers_icon_request_finds_the_portal_icon_for_everyone(client, role_user):
    """Browsers ask for /favicon.ico on a tab whose document names no icon (JSON, a PDF): anyone, signed
    in or not, with or without a role, is sent to the portal's icon, which is served."""
    people = [None, role_user("", username="nobody"), role_user("Executive")]
    for person in people:
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get("/favicon.ico")
        assert response.status_code == 302, person
        assert response["Location"].startswith("/static/favicon") and response["Location"].endswith(".svg")
        icon = client.get(response["Location"])
        assert icon.status_code == 200
        assert icon["Content-Type"].startswith("image/svg+xml")
    assert client.post("/favicon.ico").status_code == 405
