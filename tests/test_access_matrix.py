"""The role matrix: for each starting role, each workspace page, a chart, its CSV and a customer page
either show exactly the rows of the role's scope (against an independent pandas count over the
DuckDB file) or are refused."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import WORKSPACE_SLUGS, Role
from dashboards.charts.registry import WORKSPACES
from tests.numbers import COLUMN, in_scope

pytestmark = pytest.mark.django_db

# The starting roles, restated (the data migration must ship them).
STARTING = (
    "CX analyst",
    "Support lead",
    "Product manager",
    "Customer success manager",
    "Executive",
    "Administrator",
)
DATE_TO = "2026-03-31"
QUERY = f"from=2026-01-01&to={DATE_TO}"


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_starting_roles_ship_as_rows_with_at_least_one_regional_role_without_pii():
    roles = {r.name: r for r in Role.objects.all()}
    assert set(STARTING) <= set(roles)
    assert any("region" in r.scope and not r.pii for r in roles.values())
    assert [r.name for r in roles.values() if r.is_admin] == ["Administrator"]
    for role in roles.values():
        role.full_clean()
        assert set(role.workspaces) <= set(WORKSPACE_SLUGS)


def test_scope_attributes_are_exactly_the_ones_the_compiler_enforces():
    from accounts.models import SCOPE_ATTRIBUTES
    from dashboards.warehouse.tables import CUSTOMER_ATTRIBUTES

    assert set(SCOPE_ATTRIBUTES) == set(CUSTOMER_ATTRIBUTES)


@pytest.mark.parametrize("role_name", STARTING)
@pytest.mark.parametrize("slug", WORKSPACE_SLUGS)
def test_each_workspace_page_and_chart_opens_only_for_roles_that_list_it(
    client, warehouse, role_user, role_name, slug
):
    if slug not in WORKSPACES:
        pytest.skip(f"workspace {slug} is not registered yet")
    role = Role.objects.get(name=role_name)
    client.force_login(role_user(role_name))
    page = client.get(f"/w/{slug}/?{QUERY}")
    # A workspace without declared charts (Campaigns: the simulator) has only its page.
    chart_id = WORKSPACES[slug].charts[0].id if WORKSPACES[slug].charts else "kpi_customers"
    fragment = client.get(f"/w/{slug}/chart/{chart_id}/?{QUERY}")
    if slug in role.workspaces:
        assert page.status_code == 200
        assert fragment.status_code in ((200, 503) if WORKSPACES[slug].charts else (404,))
        sidebar = page.content.decode()
        for other in WORKSPACES.values():
            link = f'href="/w/{other.slug}/'
            assert (link in sidebar) == (other.slug in role.workspaces), other.slug
    else:
        assert page.status_code == 404
        assert fragment.status_code == 404
        assert client.get(f"/w/{slug}/chart/{chart_id}.csv?{QUERY}").status_code == 404


@pytest.mark.parametrize("role_name", STARTING)
def test_the_customer_count_csv_is_the_pandas_count_of_the_roles_scope_or_refused(
    client, warehouse, role_user, customers, role_name
):
    role = Role.objects.get(name=role_name)
    client.force_login(role_user(role_name))
    response = client.get(f"/w/overview/chart/kpi_customers.csv?{QUERY}")
    if not role.can_export:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    current = next(r for r in csv_rows(response) if r["PERIOD"] == "current")
    scoped = in_scope(customers, role.scope)
    expected = int((pd.to_datetime(scoped["SIGNUP_DATE"]) <= pd.Timestamp(DATE_TO)).sum())
    assert int(current["VALUE"]) == expected
    if role.scope:
        assert expected < int((pd.to_datetime(customers["SIGNUP_DATE"]) <= pd.Timestamp(DATE_TO)).sum())


@pytest.mark.parametrize("role_name", STARTING)
def test_top_customers_are_the_scopes_highest_lifetime_values_masked_without_pii(
    client, warehouse, role_user, customers, role_name
):
    role = Role.objects.get(name=role_name)
    client.force_login(role_user(role_name))
    response = client.get(f"/w/overview/chart/top_customers.csv?{QUERY}")
    if not role.can_export:
        assert response.status_code == 403
        return
    rows = csv_rows(response)
    scoped = in_scope(customers, role.scope).sort_values(
        ["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True]
    )
    assert [r["CUSTOMER_ID"] for r in rows] == list(scoped["CUSTOMER_ID"][:5])
    for row, (_, want) in zip(rows, scoped.head(5).iterrows(), strict=True):
        name = f"{want['FIRST_NAME']} {want['LAST_NAME']}" if role.pii else "*** ***"
        assert row["CUSTOMER_NAME"] == name
        for attribute, values in role.scope.items():
            if attribute in ("region", "plan_tier"):
                assert row[COLUMN[attribute]] in values


@pytest.mark.parametrize("role_name", STARTING)
def test_the_region_filter_offers_only_the_scopes_regions(client, warehouse, role_user, customers, role_name):
    role = Role.objects.get(name=role_name)
    client.force_login(role_user(role_name))
    from accounts.access import viewer_for
    from dashboards.filters import load_options

    options = load_options(viewer_for(role_user(role_name, username=f"x-{role.pk}")))
    regions = set(in_scope(customers, role.scope)["REGION"])
    assert set(options["region"]) == regions


def _customer_url(customer_id: str) -> str | None:
    try:
        return reverse("customer", args=[customer_id])
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("role_name", STARTING)
def test_a_customer_page_opens_inside_the_scope_and_is_a_404_outside(
    client, warehouse, role_user, customers, role_name
):
    role = Role.objects.get(name=role_name)
    inside = in_scope(customers, role.scope)
    outside = customers[~customers["CUSTOMER_ID"].isin(inside["CUSTOMER_ID"])]
    first = _customer_url(str(inside["CUSTOMER_ID"].iloc[0]))
    if first is None:
        pytest.skip("no customer page yet")
    client.force_login(role_user(role_name))
    response = client.get(first)
    assert response.status_code == 200
    body = response.content.decode()
    want = inside.iloc[0]
    assert (want["EMAIL"] in body) == role.pii
    if role.scope:
        assert client.get(_customer_url(str(outside["CUSTOMER_ID"].iloc[0]))).status_code == 404
    else:
        assert outside.empty
