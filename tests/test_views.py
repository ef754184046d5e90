"""The pages: sign-in required, the workspace shell, chart fragments, health, and failure states."""

import json

import duckdb
import pytest
from django.core.management import call_command

from dashboards import queries
from dashboards.charts.overview import OVERVIEW
from dashboards.charts.spec import Kind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/w/overview/", "/w/overview/chart/sentiment_trend/", "/w/overview/chart/sentiment_trend.csv"],
)
def test_every_page_but_sign_in_and_health_needs_a_signed_in_user(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_with_a_password_opens_the_portal(client, user, warehouse):
    from tests.fixtures.portal import TEST_PASSWORD

    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/w/overview/"


def test_a_wrong_password_is_refused_with_a_message(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"didn't match" in response.content


def test_health_names_database_warehouse_as_of_and_cache(client, warehouse):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"] and body["warehouse"]["ok"]
    last = (
        duckdb.connect(str(warehouse), read_only=True)
        .execute("SELECT MAX(INTERACTION_TS)::DATE FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS")
        .fetchone()[0]
    )
    assert body["warehouse"]["as_of"] == last.isoformat()


def test_health_is_503_and_names_the_warehouse_when_it_is_missing(client, settings, tmp_path):
    from dashboards.warehouse import client as warehouse_client

    settings.WAREHOUSE_PATH = tmp_path / "missing.duckdb"
    settings.WAREHOUSE_BACKEND = "duckdb"
    warehouse_client.reset()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["warehouse"]


def test_the_workspace_shell_has_a_placeholder_per_chart_and_options_from_the_data(signed_in, warehouse):
    response = signed_in.get("/w/overview/")
    assert response.status_code == 200
    html = response.content.decode()
    for chart in OVERVIEW.charts:
        if chart.kind is Kind.KPI:  # the key figures come in one request, each with a card of its own
            assert f'data-kpi="{chart.id}"' in html
        else:
            assert f"/w/overview/chart/{chart.id}/?" in html
    assert html.count("/w/overview/kpis/?") == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    for (persona,) in con.execute(
        "SELECT DISTINCT DERIVED_PERSONA FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS"
    ).fetchall():
        assert f'value="{persona}"' in html
    for (language,) in con.execute(
        "SELECT DISTINCT REVIEW_LANGUAGE FROM ANALYTICS.FACT_PRODUCT_REVIEWS"
    ).fetchall():
        assert f'name="language" value="{language}"' in html


def test_unknown_workspaces_and_charts_are_404(signed_in):
    assert signed_in.get("/w/nowhere/").status_code == 404
    assert signed_in.get("/w/overview/chart/nothing/").status_code == 404
    assert signed_in.get("/w/overview/chart/nothing.csv").status_code == 404


def test_a_chart_fragment_holds_the_figure_a_summary_and_the_data(signed_in):
    response = signed_in.get("/w/overview/chart/sentiment_trend/?preset=last_90&grain=week")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<script type="application/json">') + len('<script type="application/json">')
    figure = json.loads(html[start : html.index("</script>", start)])
    assert figure["data"][0]["type"] == "scatter"
    assert len(figure["data"][0]["x"]) in (13, 14)  # weeks touched by 90 days
    assert "highest" in html and "lowest" in html
    assert "Show data" in html


BROKEN_SQL = "SELECT CAST(REGION AS INTEGER) AS MONTH, 1 AS REVENUE FROM ANALYTICS.CUSTOMER_BASE"


def test_a_chart_whose_query_fails_shows_an_error_with_retry_and_the_others_still_load(
    signed_in, monkeypatch
):
    real = queries.sql_text
    monkeypatch.setattr(
        queries, "sql_text", lambda name: BROKEN_SQL if name == "overview/monthly_revenue.sql" else real(name)
    )
    failing = signed_in.get("/w/overview/chart/monthly_revenue/")
    assert failing.status_code == 503
    assert b"data-retry" in failing.content
    assert b"CAST" not in failing.content  # the message is for people: no SQL
    assert signed_in.get("/w/overview/chart/churn_risk/").status_code == 200
    assert signed_in.get("/w/overview/").status_code == 200


def test_an_empty_result_says_so(signed_in):
    response = signed_in.get("/w/overview/chart/monthly_revenue/?from=2001-01-01&to=2001-01-31")
    assert response.status_code == 200
    assert b"No data for these filters." in response.content


def test_a_chart_that_ignores_a_filter_says_so(signed_in, warehouse):
    language = (
        duckdb.connect(str(warehouse), read_only=True)
        .execute("SELECT MIN(REVIEW_LANGUAGE) FROM ANALYTICS.FACT_PRODUCT_REVIEWS")
        .fetchone()[0]
    )
    # The churn donut counts customers with an interaction in the period (the KPI's population), so the
    # date range limits it; reviews' language cannot.
    response = signed_in.get(f"/w/overview/chart/churn_risk/?language={language}")
    assert b"Not limited by: Review language." in response.content


def test_demo_users_are_created_once_with_stable_passwords(capsys, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo_users")
    first = capsys.readouterr().out
    call_command("demo_users")
    assert capsys.readouterr().out == first
    lines = [line for line in first.splitlines() if "username:" in line]
    assert len(lines) == 6
    assert all("password:" in line for line in lines)
