"""Leak tests: a scoped or masked user tries, by editing the URL, to see what their role does not show."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import pandas as pd
import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import AuditEvent, Role
from dashboards.charts.overview import OVERVIEW

pytestmark = pytest.mark.django_db

QUERY = "from=2026-01-01&to=2026-03-31"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(scope="module")
def base(demo_warehouse_path) -> pd.DataFrame:
    con = duckdb.connect(str(demo_warehouse_path), read_only=True)
    try:
        return con.execute("SELECT * FROM ANALYTICS.CUSTOMER_BASE").df()
    finally:
        con.close()


@pytest.fixture
def support_lead(client, warehouse, role_user):
    role = Role.objects.get(name="Support lead")
    assert role.scope == {"region": ["EMEA"]} and not role.pii
    client.force_login(role_user("Support lead"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/w/overview/?{QUERY}&region=NA",
        f"/w/overview/chart/kpi_customers/?{QUERY}&region=NA",
        f"/w/overview/chart/kpi_customers.csv?{QUERY}&region=NA",
        f"/w/overview/chart/top_customers.csv?{QUERY}&region=EMEA&region=APAC",
    ],
)
def test_a_filter_value_outside_the_scope_is_a_400_as_it_is_not_an_option(support_lead, url):
    response = support_lead.get(url)
    assert response.status_code == 400
    assert b"region" in response.content.lower()


def test_the_scopes_own_value_is_accepted(support_lead):
    assert support_lead.get(f"/w/overview/chart/kpi_customers.csv?{QUERY}&region=EMEA").status_code == 200


def test_a_workspace_outside_the_role_is_a_404_for_page_chart_and_csv_and_is_audited(support_lead):
    for url in ("/w/product/", "/w/product/chart/x/", "/w/product/chart/x.csv"):
        assert support_lead.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="denied", what__contains="/w/product/").count() >= 1


def test_a_customer_outside_the_scope_is_a_404_and_never_suggested(support_lead, base):
    outside = base[base["REGION"] != "EMEA"]["CUSTOMER_ID"].iloc[0]
    inside = base[base["REGION"] == "EMEA"]["CUSTOMER_ID"].iloc[0]
    try:
        url_out, url_in = reverse("customer", args=[outside]), reverse("customer", args=[inside])
    except NoReverseMatch:
        pytest.skip("no customer page yet")
    assert support_lead.get(url_out).status_code == 404
    assert support_lead.get(url_in).status_code == 200
    suggest = support_lead.get(f"/customers/suggest?q={outside}")
    if suggest.status_code == 200:
        assert outside not in suggest.content.decode()


def test_a_masked_users_csvs_hold_no_email_address_nor_name(support_lead, base):
    emea = base[base["REGION"] == "EMEA"]
    names = set(emea["LAST_NAME"]) | set(emea["FIRST_NAME"])
    for chart in OVERVIEW.charts:
        response = support_lead.get(f"/w/overview/chart/{chart.id}.csv?{QUERY}")
        assert response.status_code == 200, chart.id
        text = response.content.decode()
        assert not EMAIL.search(text), chart.id
        for row in csv.DictReader(io.StringIO(text)):
            assert not names & set(" ".join(map(str, row.values())).split()), chart.id


def test_the_same_csv_for_an_unmasked_role_does_show_names(client, warehouse, role_user, base):
    client.force_login(role_user("Administrator"))
    text = client.get(f"/w/overview/chart/top_customers.csv?{QUERY}").content.decode()
    top = base.sort_values(["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True]).iloc[0]
    assert f"{top['FIRST_NAME']} {top['LAST_NAME']}" in text


@pytest.fixture
def redis_cache(settings):
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    yield settings
    redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()


def _count(client) -> int:
    response = client.get(f"/w/overview/chart/kpi_customers.csv?{QUERY}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    return int(next(r for r in rows if r["PERIOD"] == "current")["VALUE"])


def test_two_scopes_reading_the_same_chart_in_turn_never_share_a_cached_result(
    redis_cache, warehouse, role_user, base
):
    import redis
    from django.test import Client

    signed_up = pd.to_datetime(base["SIGNUP_DATE"]) <= pd.Timestamp("2026-03-31")
    expected = {
        "Support lead": int((signed_up & (base["REGION"] == "EMEA")).sum()),
        "Administrator": int(signed_up.sum()),
    }
    clients = {}
    for name in expected:
        clients[name] = Client()
        clients[name].force_login(role_user(name))
    # Scoped first, then unrestricted, then both again from the (now warm) cache.
    for name in ("Support lead", "Administrator", "Support lead", "Administrator"):
        assert _count(clients[name]) == expected[name], name
    assert redis.Redis.from_url("redis://127.0.0.1:6379/14").dbsize() > 0, "the cache was not used"


def test_the_sidebar_of_a_scoped_user_lists_only_the_roles_workspaces(support_lead):
    role = Role.objects.get(name="Support lead")
    page = support_lead.get(f"/w/overview/?{QUERY}").content.decode()
    listed = set(re.findall(r'href="/w/([a-z]+)/', page))
    assert listed <= set(role.workspaces)
