"""A person with several roles sees exactly the union of what each role grants, on every channel.

The union is a disjunction of each role's conjunction: (region EMEA) OR (region NA AND value segment
High/Medium). Each check computes that union independently with pandas over the DuckDB file and
compares it with what the portal shows: the match line, KPI CSV, top-customer CSV with names per row,
Customer 360 pages, search and suggestions, the report behind PDFs and digests, alert values, and the
same compiled SQL on the Snowflake emulator.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import User

from accounts.access import viewer_for
from accounts.models import Role
from tests.numbers import COLUMN

pytestmark = pytest.mark.django_db

DATE_TO = "2026-03-31"
QUERY = f"from=2026-01-01&to={DATE_TO}"
# Roles beside the starting ones, so that unions cross attributes of both customer tables.
EXTRA_ROLES: dict[str, tuple[dict[str, list[str]], bool]] = {
    "APAC premium": ({"region": ["APAC"], "plan_tier": ["Premium", "Platinum"]}, True),
    "High churn risk": ({"churn_risk": ["High"]}, False),
    "LATAM low value": ({"region": ["LATAM"], "value_segment": ["Low Value"]}, True),
}
SCOPED = ("Support lead", "Customer success manager", *EXTRA_ROLES)
EVERYONE = ("CX analyst", "Executive")
_rng = random.Random(20261204)
COMBINATIONS = [
    ("Support lead", "Customer success manager"),
    *sorted({tuple(sorted(_rng.sample(SCOPED, k))) for k in (2, 2, 2, 3, 3) for _ in range(2)}),
    ("Support lead", "Executive"),
]


@pytest.fixture
def extra_roles(db) -> None:
    for name, (scope, pii) in EXTRA_ROLES.items():
        Role.objects.create(
            name=name,
            idp_groups=[name],
            scope=scope,
            pii=pii,
            workspaces=["overview", "support"],
            can_export=True,
            can_subscribe=True,
        )


def matches(customers: pd.DataFrame, scope: dict[str, list[str]]) -> pd.Series:
    keep = pd.Series(True, index=customers.index)
    for attribute, values in scope.items():
        keep &= customers[COLUMN[attribute]].isin(values)
    return keep


def union_of(customers: pd.DataFrame, roles: list[Role]) -> pd.Series:
    """Customers any one of `roles` may see (pandas, independent of the portal)."""
    keep = pd.Series(False, index=customers.index)
    for role in roles:
        keep |= matches(customers, role.scope or {})
    return keep


class Person:
    def __init__(self, client: Any, user: User, roles: list[Role], customers: pd.DataFrame) -> None:
        self.client, self.user, self.roles = client, user, roles
        self.visible = customers[union_of(customers, roles)]
        self.hidden = customers[~union_of(customers, roles)]
        self.named = union_of(customers, [r for r in roles if r.pii])
        self.can_export = any(r.can_export for r in roles)

    def named_ids(self, customers: pd.DataFrame) -> set[str]:
        return set(customers.loc[self.named, "CUSTOMER_ID"])


@pytest.fixture
def person(client, warehouse, role_user, extra_roles, customers) -> Callable[[tuple[str, ...]], Person]:
    def make(names: tuple[str, ...]) -> Person:
        user = role_user(
            names[0], username="multi-" + "-".join(n.split()[0].lower() for n in names), groups=names[1:]
        )
        roles = list(Role.objects.filter(name__in=names))
        assert len(roles) == len(names)
        client.force_login(user)
        return Person(client, user, roles, customers)

    return make


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def signed_up_by(frame: pd.DataFrame, day: str) -> int:
    return int((pd.to_datetime(frame["SIGNUP_DATE"]) <= pd.Timestamp(day)).sum())


def test_the_issues_case_support_lead_and_customer_success_manager(person, customers):
    p = person(("Support lead", "Customer success manager"))
    emea = customers["REGION"] == "EMEA"
    na_high_medium = (customers["REGION"] == "NA") & customers["VALUE_SEGMENT"].isin(
        ["High Value", "Medium Value"]
    )
    assert len(p.visible) == int((emea | na_high_medium).sum())
    line = p.client.get(f"/w/overview/matches/?{QUERY}").content.decode()
    assert re.search(r"([\d,]+) customers", line).group(1).replace(",", "") == str(len(p.visible))
    # Neither role grants APAC or LATAM; EMEA Low Value is the Support lead's.
    apac = customers[customers["REGION"].isin(["APAC", "LATAM"])]["CUSTOMER_ID"].iloc[0]
    assert p.client.get(f"/customers/{apac}/").status_code == 404
    emea_low = customers[emea & (customers["VALUE_SEGMENT"] == "Low Value")]["CUSTOMER_ID"].iloc[0]
    assert p.client.get(f"/customers/{emea_low}/").status_code == 200


@pytest.mark.parametrize("names", COMBINATIONS, ids="+".join)
def test_the_match_line_and_kpi_count_the_union_of_the_roles(person, customers, names):
    p = person(names)
    line = p.client.get(f"/w/overview/matches/?{QUERY}").content.decode()
    count = re.search(r"([\d,]+) customers?", line)
    assert count and int(count.group(1).replace(",", "")) == len(p.visible)
    response = p.client.get(f"/w/overview/chart/kpi_customers.csv?{QUERY}")
    if not p.can_export:
        assert response.status_code == 403
        return
    current = next(r for r in csv_rows(response) if r["PERIOD"] == "current")
    assert int(current["VALUE"]) == signed_up_by(p.visible, DATE_TO)


@pytest.mark.parametrize("names", COMBINATIONS, ids="+".join)
def test_top_customers_come_from_the_union_with_names_only_where_a_pii_role_covers_the_row(
    person, customers, names
):
    p = person(names)
    response = p.client.get(f"/w/overview/chart/top_customers.csv?{QUERY}")
    if not p.can_export:
        assert response.status_code == 403
        return
    rows = csv_rows(response)
    want = p.visible.sort_values(["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True]).head(len(rows))
    assert rows and [r["CUSTOMER_ID"] for r in rows] == list(want["CUSTOMER_ID"])
    named = p.named_ids(customers)
    for row, (_, c) in zip(rows, want.iterrows(), strict=True):
        expected = f"{c['FIRST_NAME']} {c['LAST_NAME']}" if c["CUSTOMER_ID"] in named else "*** ***"
        assert row["CUSTOMER_NAME"] == expected, row["CUSTOMER_ID"]


@pytest.mark.parametrize("names", COMBINATIONS, ids="+".join)
def test_customer_pages_open_for_the_union_only_and_show_an_email_only_where_pii_covers(
    person, customers, names
):
    p = person(names)
    named = p.named_ids(customers)
    sample = p.visible.sample(n=min(4, len(p.visible)), random_state=1)
    for _, c in sample.iterrows():
        response = p.client.get(f"/customers/{c['CUSTOMER_ID']}/")
        assert response.status_code == 200
        assert (c["EMAIL"] in response.content.decode()) == (c["CUSTOMER_ID"] in named)
    for customer_id in p.hidden.sample(n=min(4, len(p.hidden)), random_state=1)["CUSTOMER_ID"]:
        assert p.client.get(f"/customers/{customer_id}/").status_code == 404


@pytest.mark.parametrize("names", COMBINATIONS, ids="+".join)
def test_search_and_suggestions_find_only_customers_of_the_union(person, customers, names):
    p = person(names)
    visible = set(p.visible["CUSTOMER_ID"])
    named = p.named_ids(customers)
    for prefix in ("C00", "C0001", "C00003"):
        suggested = json.loads(p.client.get("/customers/suggest", {"q": prefix}).content)
        assert {s["id"] for s in suggested} <= visible
        for s in suggested:
            assert (s["email"] not in ("", "***")) == (s["id"] in named)
        page = p.client.get("/customers/", {"q": prefix}).content.decode()
        shown = set(re.findall(r"/customers/(C\d+)/", page))
        assert shown <= visible
    if not p.hidden.empty:
        hidden = p.hidden["CUSTOMER_ID"].iloc[0]
        assert json.loads(p.client.get("/customers/suggest", {"q": hidden}).content) == []
    # A name search finds a PII-covered customer and never one whose name the viewer may not see.
    if named and any(r.pii for r in p.roles):
        c = customers[customers["CUSTOMER_ID"].isin(named)].iloc[0]
        found = {s["id"] for s in json.loads(p.client.get("/customers/suggest", {"q": c["EMAIL"]}).content)}
        assert c["CUSTOMER_ID"] in found and found <= named


@pytest.mark.parametrize("names", COMBINATIONS[:4], ids="+".join)
def test_reports_and_alert_values_count_the_union(person, customers, names):
    from exports.alerts import alert_value
    from exports.models import Alert
    from exports.report import load_report

    p = person(names)
    report = load_report("overview", QUERY, viewer_for(p.user), panels=False)
    kpi = next(v for v in report.kpis if v.chart.id == "kpi_customers")
    assert int(kpi.result.records()[0][kpi.chart.y[0]]) == signed_up_by(p.visible, DATE_TO)
    alert = Alert(user=p.user, workspace="overview", query=QUERY, chart_id="kpi_customers", threshold=1)
    assert alert_value(alert) == signed_up_by(p.visible, DATE_TO)


@pytest.mark.snowflake
def test_the_union_compiles_to_the_same_customers_on_the_snowflake_emulator(
    snowflake_settings, role_user, extra_roles, customers
):
    from dashboards.queries import run_file

    for names in COMBINATIONS[:3]:
        user = role_user(
            names[0], username="sf-" + "-".join(n.split()[0].lower() for n in names), groups=names[1:]
        )
        roles = list(Role.objects.filter(name__in=names))
        counts = run_file("matches.sql", viewer=viewer_for(user)).records()[0]
        assert int(counts["CUSTOMERS"]) == int(union_of(customers, roles).sum()), names


@pytest.mark.parametrize("names", COMBINATIONS[:4], ids="+".join)
def test_chart_fragments_and_filter_options_come_from_the_union(person, customers, names):
    from dashboards.filters import load_options

    p = person(names)
    fragment = p.client.get(f"/w/overview/chart/kpi_customers/?{QUERY}")
    assert fragment.status_code == 200
    value = re.search(r'class="kpi-value">([^<]+)<', fragment.content.decode())
    assert value and value.group(1).strip() == f"{signed_up_by(p.visible, DATE_TO):,}"
    options = load_options(viewer_for(p.user))
    assert set(options["region"]) == set(p.visible["REGION"])
    hidden_regions = set(customers["REGION"]) - set(p.visible["REGION"])
    for region in sorted(hidden_regions):
        assert p.client.get(f"/w/overview/chart/kpi_customers/?{QUERY}&region={region}").status_code == 400
