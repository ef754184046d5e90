"""Roles x API endpoints: each starting role (and one pair) sees exactly its scope through a token.

Expected counts are restated with pandas over the test warehouse (tests/test_scope_union.py helpers).
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from dashboards.api import tokens
from tests.test_scope_union import DATE_TO, QUERY, signed_up_by, union_of

pytestmark = pytest.mark.django_db

ROLES = [
    ("CX analyst",),
    ("Support lead",),
    ("Product manager",),
    ("Customer success manager",),
    ("Executive",),
    ("Administrator",),
    ("Support lead", "Customer success manager"),
]


@pytest.mark.parametrize("names", ROLES, ids="+".join)
def test_each_role_sees_its_scope_through_the_api(warehouse, role_user, customers, names):
    user = role_user(
        names[0], username="api-" + "-".join(n.split()[0].lower() for n in names), groups=names[1:]
    )
    roles = list(Role.objects.filter(name__in=names))
    _, secret = tokens.issue(user, "rls", 1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    keep = union_of(customers, roles)
    visible, hidden = customers[keep], customers[~keep]
    named = set(customers.loc[union_of(customers, [r for r in roles if r.pii]), "CUSTOMER_ID"])
    slug = next(s for s in ("overview", "support") if any(s in r.workspaces for r in roles))

    matches = api.get(f"/api/v1/workspaces/{slug}/matches?{QUERY}")
    assert matches.status_code == 200, matches.content
    count = next(v for k, v in matches.json()["counts"].items() if "CUSTOMER" in k)
    assert count <= len(visible)
    if slug == "overview":
        assert count == len(visible)
        kpis = api.get(f"/api/v1/workspaces/overview/kpis?{QUERY}").json()
        card = next(k for k in kpis["kpis"] if k["id"] == "kpi_customers")
        assert card["value"] == signed_up_by(visible, DATE_TO)
        rows = api.get(f"/api/v1/workspaces/overview/charts/top_customers/data?{QUERY}").json()["rows"]
        want = visible.sort_values(["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True])
        assert rows and [r["CUSTOMER_ID"] for r in rows] == list(want["CUSTOMER_ID"][: len(rows)])
    else:
        assert api.get(f"/api/v1/workspaces/{slug}/kpis?{QUERY}").status_code == 200

    inside = visible.iloc[0]
    found = api.get(f"/api/v1/customers/{inside['CUSTOMER_ID']}")
    assert found.status_code == 200
    assert (str(inside["EMAIL"]) in found.content.decode()) == (inside["CUSTOMER_ID"] in named)
    hits = api.get("/api/v1/customers", {"q": inside["CUSTOMER_ID"]}).json()
    assert [h["customer_id"] for h in hits] == [inside["CUSTOMER_ID"]]
    # A row no PII role covers shows no e-mail (None, or "***" when another role grants PII).
    assert (hits[0]["email"] == inside["EMAIL"]) == (inside["CUSTOMER_ID"] in named)
    assert hits[0]["email"] in (inside["EMAIL"], None, "***")
    if not hidden.empty:
        outside = hidden["CUSTOMER_ID"].iloc[0]
        assert api.get(f"/api/v1/customers/{outside}").status_code == 404
        assert api.get("/api/v1/customers", {"q": outside}).json() == []
    if names == ("Support lead",):
        assert set(visible["REGION"]) == {"EMEA"} and not named
        assert hits[0]["name"] is None and str(inside["LAST_NAME"]) not in found.content.decode()
