"""A warm chart fragment builds nothing, and a cached fragment never crosses from one scope to another.

The counts are computed independently with pandas over the same DuckDB file; the spies only count calls
and pass them on to the real compiler, backend and chart loader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from dashboards import fragments, queries, versioned
from dashboards.warehouse import duckdb_backend

pytestmark = pytest.mark.django_db

QUERY = "from=2026-01-01&to=2026-03-31"
ROW = re.compile(r'<tr><td>([^<]*)</td><td class="num" data-value="([^"]+)"')


class Calls:
    """Counts the calls of a function while still calling it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.count = 0
        real: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


@pytest.fixture
def fresh_memos() -> None:
    queries._compiled.cache_clear()
    versioned.clear()


def client_with_role(role: str) -> Client:
    user = User.objects.create_user(role.lower().replace(" ", "."))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


def churn_counts(client: Client) -> dict[str, int]:
    response = client.get(f"/w/overview/chart/churn_risk/?{QUERY}")
    assert response.status_code == 200
    return {level: int(value) for level, value in ROW.findall(response.content.decode())}


def pandas_churn_counts(path: Any, regions: list[str] | None, only: set[str] | None = None) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        signals = con.execute("SELECT CUSTOMER_ID, CHURN_RISK FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS").df()
        base = con.execute("SELECT CUSTOMER_ID, REGION FROM ANALYTICS.CUSTOMER_BASE").df()
        active = con.execute(
            "SELECT DISTINCT CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS"
            " WHERE INTERACTION_TS >= DATE '2026-01-01' AND INTERACTION_TS < DATE '2026-04-01'"
        ).df()
    finally:
        con.close()
    # The donut counts the customers with an interaction in the period (the KPI's population).
    frame = signals[signals["CUSTOMER_ID"].isin(active["CUSTOMER_ID"])].merge(
        base, on="CUSTOMER_ID", how="left"
    )
    if regions is not None:
        frame = frame[frame["REGION"].isin(regions)]
    if only is not None:
        frame = frame[frame["CUSTOMER_ID"].isin(only)]
    counts: pd.Series = frame.groupby("CHURN_RISK").size()
    return {str(level): int(n) for level, n in counts.items()}


def test_a_warm_fragment_request_runs_no_warehouse_query_compiles_nothing_and_builds_nothing(
    signed_in, monkeypatch, fresh_memos
):
    url = f"/w/overview/chart/satisfaction_gauge/?{QUERY}"  # compares with the previous period: two queries
    compiled = Calls(monkeypatch, queries, "compile_query")
    executed = Calls(monkeypatch, duckdb_backend, "execute")
    built = Calls(monkeypatch, fragments, "load_chart")

    cold = signed_in.get(url)
    assert cold.status_code == 200
    assert compiled.count > 0 and executed.count > 0 and built.count == 1

    compiled.count = executed.count = built.count = 0
    warm = signed_in.get(url)
    assert warm.status_code == 200
    assert (compiled.count, executed.count, built.count) == (0, 0, 0)
    assert warm.content == cold.content


def test_a_changed_filter_misses_the_fragment_cache_and_is_built_again(signed_in, monkeypatch, fresh_memos):
    built = Calls(monkeypatch, fragments, "load_chart")
    signed_in.get(f"/w/overview/chart/churn_risk/?{QUERY}")
    signed_in.get(f"/w/overview/chart/churn_risk/?{QUERY}&region=EMEA")
    signed_in.get(f"/w/overview/chart/churn_risk/?{QUERY}&region=EMEA")
    assert built.count == 2


def test_two_scopes_never_share_a_cached_fragment_in_either_order(warehouse, fresh_memos):
    everyone = pandas_churn_counts(warehouse, None)
    emea = pandas_churn_counts(warehouse, ["EMEA"])
    assert everyone != emea and sum(emea.values()) > 0

    analyst, lead = client_with_role("CX analyst"), client_with_role("Support lead")
    assert churn_counts(analyst) == everyone  # warms the cache for the unrestricted scope
    assert churn_counts(lead) == emea  # the EMEA-only scope must not get it
    assert churn_counts(lead) == emea  # warm, still its own
    assert churn_counts(analyst) == everyone


def test_names_stay_masked_for_a_role_without_pii_after_a_pii_role_warmed_the_same_fragment(
    warehouse, fresh_memos
):
    url = f"/w/overview/chart/top_customers/?{QUERY}"
    admin, analyst = client_with_role("Administrator"), client_with_role("CX analyst")
    shown = admin.get(url).content.decode()
    masked = analyst.get(url).content.decode()
    assert "***" not in shown
    assert "***" in masked
    assert masked != shown
    assert "***" not in admin.get(url).content.decode()


def test_an_error_state_is_not_cached(signed_in, monkeypatch, fresh_memos, settings, tmp_path):
    url = f"/w/overview/chart/churn_risk/?{QUERY}"
    signed_in.get(url)  # options and data range known, so the fragment itself reaches the warehouse

    def broken(sql: str, params: Any) -> Any:
        raise RuntimeError("the warehouse is on fire")

    queries._compiled.cache_clear()
    monkeypatch.setattr(duckdb_backend, "execute", broken)
    failed = signed_in.get(url + "&region=APAC")
    assert failed.status_code == 503
    monkeypatch.undo()
    recovered = signed_in.get(url + "&region=APAC")
    assert recovered.status_code == 200
    assert ROW.findall(recovered.content.decode())
