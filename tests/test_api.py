"""The JSON API: the same filters, scopes and messages as the pages, tokens, ETags and the aliases.

Numbers are checked against independent pandas counts over the test warehouse's DuckDB file.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, Role
from dashboards.api import tokens
from dashboards.api.aliases import ALIASES
from dashboards.charts.registry import WORKSPACES
from dashboards.models import ApiToken

pytestmark = pytest.mark.django_db

QUERY = "from=2026-01-01&to=2026-03-31"


@pytest.fixture(scope="module")
def customers(demo_warehouse_path) -> pd.DataFrame:
    con = duckdb.connect(str(demo_warehouse_path), read_only=True)
    try:
        return con.execute("SELECT * FROM ANALYTICS.CUSTOMER_BASE").df()
    finally:
        con.close()


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token_of(role_user):
    def make(role_name: str, days: int = 30) -> tuple[ApiToken, str]:
        return tokens.issue(role_user(role_name), "notebook", days)

    return make


def test_an_anonymous_call_is_a_json_401_naming_the_authorization_header(client, warehouse):
    response = client.get("/api/v1/workspaces")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["param"] == "Authorization"


def test_a_token_lists_only_the_workspaces_its_owners_roles_open(warehouse, token_of):
    _, secret = token_of("Support lead")
    response = Client().get("/api/v1/workspaces", **bearer(secret))
    assert response.status_code == 200
    role = Role.objects.get(name="Support lead")
    assert {w["slug"] for w in response.json()} == {s for s in role.workspaces if s in WORKSPACES}
    assert "private" in response["Cache-Control"]


def test_a_bad_filter_is_a_400_with_the_pages_message_naming_the_parameter(signed_in):
    response = signed_in.get("/api/v1/workspaces/overview/kpis?from=2026-13-01&to=2026-03-31")
    assert response.status_code == 400
    body = response.json()
    assert body == {
        "code": "bad_parameter",
        "param": "from",
        "message": "from: '2026-13-01' is not a date (use YYYY-MM-DD)",
    }
    unknown = signed_in.get("/api/v1/workspaces/overview/kpis?region=Atlantis")
    assert unknown.status_code == 400 and unknown.json()["param"] == "region"


def test_an_unknown_workspace_or_chart_is_a_json_404(signed_in):
    assert signed_in.get("/api/v1/workspaces/nope/kpis").json()["code"] == "not_found"
    response = signed_in.get(f"/api/v1/workspaces/overview/charts/nope/data?{QUERY}")
    assert response.status_code == 404 and "nope" in response.json()["message"]


def test_the_customer_kpi_and_its_previous_period_match_pandas(signed_in, customers):
    response = signed_in.get(f"/api/v1/workspaces/overview/kpis?{QUERY}")
    assert response.status_code == 200
    body = response.json()
    card = next(k for k in body["kpis"] if k["id"] == "kpi_customers")
    signup = pd.to_datetime(customers["SIGNUP_DATE"])
    assert card["value"] == int((signup <= pd.Timestamp("2026-03-31")).sum())
    assert body["previous_to"] == "2025-12-31"
    assert card["previous"] == int((signup <= pd.Timestamp("2025-12-31")).sum())
    if card["previous"]:
        assert card["change"] == pytest.approx((card["value"] - card["previous"]) / card["previous"])


def test_chart_data_rows_are_typed_and_the_figure_is_plotly_json(signed_in, customers):
    data = signed_in.get(f"/api/v1/workspaces/overview/charts/top_customers/data?{QUERY}").json()
    want = customers.sort_values(["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True])
    assert [r["CUSTOMER_ID"] for r in data["rows"]] == list(want["CUSTOMER_ID"][: len(data["rows"])])
    types = {c["name"]: c["type"] for c in data["columns"]}
    assert types["LIFETIME_VALUE"] in ("number", "integer")
    assert isinstance(data["rows"][0]["LIFETIME_VALUE"], int | float)
    figure = signed_in.get(f"/api/v1/workspaces/overview/charts/monthly_revenue/figure?{QUERY}").json()
    assert figure["figure"]["data"] and "layout" in figure["figure"]


def test_the_support_leads_token_sees_emea_only_and_no_pii(warehouse, token_of, customers):
    role = Role.objects.get(name="Support lead")
    assert role.scope.get("region") and not role.pii
    _, secret = token_of("Support lead")
    api = Client()
    options = api.get("/api/v1/workspaces/support/options", **bearer(secret)).json()
    assert set(options["options"]["region"]) == set(role.scope["region"])
    scoped = customers[customers["REGION"].isin(role.scope["region"])]
    matches = api.get(f"/api/v1/workspaces/support/matches?{QUERY}", **bearer(secret)).json()
    customer_count = next(v for k, v in matches["counts"].items() if "CUSTOMER" in k)
    assert customer_count <= len(scoped)
    inside = str(scoped["CUSTOMER_ID"].iloc[0])
    outside = str(customers[~customers["REGION"].isin(role.scope["region"])]["CUSTOMER_ID"].iloc[0])
    found = api.get(f"/api/v1/customers/{inside}", **bearer(secret))
    assert found.status_code == 200
    email = str(scoped["EMAIL"].iloc[0])
    assert email not in found.content.decode()
    assert api.get(f"/api/v1/customers/{outside}", **bearer(secret)).status_code == 404
    hits = api.get(f"/api/v1/customers?q={inside}", **bearer(secret)).json()
    assert [h["customer_id"] for h in hits] == [inside] and hits[0]["name"] is None


def test_a_token_works_until_it_expires_or_is_revoked_and_every_call_is_audited(warehouse, token_of):
    token, secret = token_of("Executive")
    api = Client()
    assert api.get("/api/v1/workspaces", **bearer(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.digest != secret and secret not in token.digest
    event = AuditEvent.objects.filter(action="api").first()
    assert (
        event is not None
        and event.what == "GET /api/v1/workspaces"
        and event.username == token.owner.username
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = api.get("/api/v1/workspaces", **bearer(secret))
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    tokens.revoke(token.owner, token.pk)
    assert api.get("/api/v1/workspaces", **bearer(secret)).json()["code"] == "invalid_token"


def test_a_token_whose_owner_lost_every_role_is_refused_with_403(warehouse, token_of):
    token, secret = token_of("Executive")
    token.owner.groups.clear()
    response = Client().get("/api/v1/workspaces", **bearer(secret))
    assert response.status_code == 403 and response.json()["code"] == "no_access"


def test_a_token_past_its_rate_limit_gets_429(warehouse, token_of, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    _, secret = token_of("Executive")
    api = Client()
    codes = [api.get("/api/v1/workspaces", **bearer(secret)).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429


def test_the_same_parameters_give_the_same_etag_and_if_none_match_a_304(signed_in):
    url = f"/api/v1/workspaces/overview/charts/churn_risk/figure?{QUERY}"
    first = signed_in.get(url)
    etag = first["ETag"]
    assert (
        signed_in.get("/api/v1/workspaces/overview/charts/churn_risk/figure?to=2026-03-31&from=2026-01-01")[
            "ETag"
        ]
        == etag
    )
    again = signed_in.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    assert "private" in again["Cache-Control"]
    other = signed_in.get("/api/v1/workspaces/overview/charts/churn_risk/figure?preset=all")
    assert other["ETag"] != etag


@pytest.mark.parametrize("alias", list(ALIASES))
def test_each_alias_returns_the_figure_json_of_its_chart(signed_in, alias):
    slug, chart_id = ALIASES[alias]
    response = signed_in.get(f"/api/{alias}?{QUERY}")
    assert response.status_code == 200, response.content
    figures = response.json()["figures"]
    ws = WORKSPACES[slug]
    expected = [chart_id] if chart_id else [c.id for c in ws.kpis]
    assert list(figures) == expected
    direct = signed_in.get(f"/api/v1/workspaces/{slug}/charts/{expected[0]}/figure?{QUERY}").json()["figure"]
    assert figures[expected[0]] == direct


def test_presets_are_listed_created_validated_and_deleted(signed_in):
    created = signed_in.post(
        "/api/v1/presets",
        {"name": "EMEA ytd", "query": "preset=ytd&region=EMEA"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    preset = created.json()
    assert preset["name"] == "EMEA ytd" and not preset["shared"]
    assert preset["id"] in [p["id"] for p in signed_in.get("/api/v1/presets").json()]
    bad = signed_in.post(
        "/api/v1/presets", {"name": "x", "query": "grain=year"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["param"] == "grain"
    assert signed_in.delete(f"/api/v1/presets/{preset['id']}").status_code == 204
    assert signed_in.delete(f"/api/v1/presets/{preset['id']}").status_code == 404


def test_session_writes_need_the_csrf_token(client, user, warehouse):
    api = Client(enforce_csrf_checks=True)
    api.force_login(user)
    response = api.post("/api/v1/presets", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_the_tokens_page_shows_a_new_secret_once_and_revokes(signed_in, user):
    page = signed_in.post("/api/tokens/", {"name": "my notebook", "days": "7"})
    assert page.status_code == 200
    token = ApiToken.objects.get(owner=user)
    secret = page.context["secret"]
    assert secret.startswith(token.prefix) and tokens.digest_of(secret) == token.digest
    assert secret not in signed_in.get("/api/tokens/").content.decode()
    assert Client().get("/api/v1/workspaces", **bearer(secret)).status_code == 200
    signed_in.post(f"/api/tokens/{token.pk}/revoke")
    assert Client().get("/api/v1/workspaces", **bearer(secret)).status_code == 401


def test_the_docs_page_and_schema_are_served_by_the_portal(signed_in):
    docs = signed_in.get("/api/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle" in body and "cdn" not in body.lower()
    schema = signed_in.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/workspaces/{slug}/charts/{chart_id}/data" in schema["paths"]
    assert (
        "Monthly revenue" in schema["paths"]["/api/monthly_revenue"]["get"]["description"]
        or "monthly_revenue" in schema["paths"]["/api/monthly_revenue"]["get"]["description"]
    )
