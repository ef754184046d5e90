"""Customer 360: search, suggestions, profile, timeline and charts, checked against pandas.

Expected values are computed from the raw tables of the test warehouse with pandas alone (no SQL file,
no query compiler), from the definitions in the SQL files' comments and WAREHOUSE.md, and compared
with what the pages show. Scope and PII come from `accounts.access.Viewer`, patched per test.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pandas as pd
import pytest
from django.urls import reverse

from accounts.access import DataScope, Viewer
from dashboards import customers
from dashboards.queries import compile_file
from dashboards.warehouse import client

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
CHURN = "CHURN_PREDICTIONS"
SUMMARIES = "INSIGHT_SUMMARIES"
TRENDS = "SENTIMENT_TRENDS"
PATTERNS = "TICKET_PATTERNS"
INTERACTIONS = "FACT_CUSTOMER_INTERACTIONS"
REVIEWS = "FACT_PRODUCT_REVIEWS"
TICKETS = "FACT_SUPPORT_TICKETS"
TRANSACTIONS = "FACT_TRANSACTIONS"
PRODUCTS = "DIM_PRODUCT"
TABLES: tuple[str, ...] = (
    BASE,
    SIGNALS,
    CHURN,
    SUMMARIES,
    TRENDS,
    PATTERNS,
    INTERACTIONS,
    REVIEWS,
    TICKETS,
    TRANSACTIONS,
)
TABLES += (PRODUCTS,)

# The timeline's sources, restated from the issue: (table, time column, id column, kind).
SOURCES = (
    (INTERACTIONS, "INTERACTION_TS", "INTERACTION_ID", "interaction"),
    (REVIEWS, "REVIEW_TS", "REVIEW_ID", "review"),
    (TICKETS, "CREATED_AT", "TICKET_ID", "ticket"),
    (TRANSACTIONS, "TRANSACTION_TS", "TRANSACTION_ID", "transaction"),
)
ALL_KINDS = ("interaction", "review", "ticket", "transaction")

MASKED_EMEA = Viewer(username="emea.agent", scope=DataScope.of({"region": ["EMEA"]}), pii=False)
PII_EMEA = Viewer(username="emea.lead", scope=DataScope.of({"region": ["EMEA"]}), pii=True)


# --- The raw tables -----------------------------------------------------------------------------------


class Raw:
    def __init__(self, path: Path) -> None:
        con = duckdb.connect(str(path), read_only=True)
        try:
            self.t = {name: con.execute(f"SELECT * FROM ANALYTICS.{name}").df() for name in TABLES}
        finally:
            con.close()
        for table, ts, _, _ in SOURCES:
            self.t[table][ts] = pd.to_datetime(self.t[table][ts])

    @property
    def base(self) -> pd.DataFrame:
        return self.t[BASE]

    def region_of(self, customer_id: str) -> str:
        return str(self.base.loc[self.base["CUSTOMER_ID"] == customer_id, "REGION"].iloc[0])

    def events(self, customer_id: str) -> pd.DataFrame:
        """Every event of one customer as (EVENT_TS, KIND, EVENT_ID, TEXT, SENTIMENT)."""
        frames = []
        products = self.t[PRODUCTS].set_index("PRODUCT_ID")["PRODUCT_NAME"]
        texts = {
            "interaction": lambda f: f["INTERACTION_NOTES"],
            "review": lambda f: f["REVIEW_TEXT_ENGLISH"],
            "ticket": lambda f: f["TICKET_DESCRIPTION"],
            "transaction": lambda f: f["PRODUCT_ID"].map(products),
        }
        for table, ts, id_col, kind in SOURCES:
            f = self.t[table]
            f = f[f["CUSTOMER_ID"] == customer_id]
            frames.append(
                pd.DataFrame(
                    {
                        "EVENT_TS": f[ts],
                        "KIND": kind,
                        "EVENT_ID": f[id_col].astype("int64"),
                        "TEXT": texts[kind](f),
                        "SENTIMENT": f.get("SENTIMENT_SCORE", math.nan),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def timeline(
        self, customer_id: str, kinds: tuple[str, ...] = ALL_KINDS, limit: int = 1000
    ) -> pd.DataFrame:
        """Newest first, ties by kind then id (descending): the most recent `limit` of `kinds`."""
        e = self.events(customer_id)
        e = e[e["KIND"].isin(kinds)]
        e = e.sort_values(["EVENT_TS", "KIND", "EVENT_ID"], ascending=[False, True, False])
        return e.head(limit).reset_index(drop=True)

    def completed(self, customer_id: str) -> pd.DataFrame:
        x = self.t[TRANSACTIONS]
        return x[(x["CUSTOMER_ID"] == customer_id) & (x["STATUS"] == "completed")]

    def spending_trend(self, customer_id: str) -> list[tuple[str, float]]:
        x = self.completed(customer_id)
        months = x["TRANSACTION_TS"].dt.to_period("M").dt.start_time.dt.date
        by = x.groupby(months)["AMOUNT"].sum().sort_index()
        return [(m.isoformat(), float(v)) for m, v in by.items()]

    def category_mix(self, customer_id: str) -> list[tuple[str, float]]:
        x = self.completed(customer_id).merge(self.t[PRODUCTS][["PRODUCT_ID", "CATEGORY"]], on="PRODUCT_ID")
        by = x.groupby("CATEGORY")["AMOUNT"].sum().map(float).reset_index()
        by = by.sort_values(["AMOUNT", "CATEGORY"], ascending=[False, True])
        return list(by.itertuples(index=False, name=None))

    def profile(self, customer_id: str) -> dict[str, Any]:
        row = self.base[self.base["CUSTOMER_ID"] == customer_id]
        for table in (SIGNALS, CHURN, SUMMARIES, TRENDS, PATTERNS):
            other = self.t[table]
            extra = [c for c in other.columns if c not in row.columns or c == "CUSTOMER_ID"]
            row = row.merge(other[extra], on="CUSTOMER_ID", how="left")
        assert len(row) == 1
        return {k: (None if _missing(v) else v) for k, v in row.iloc[0].to_dict().items()}

    def search(
        self, term: str, *, pii: bool = True, regions: set[str] | None = None, limit: int | None = 20
    ) -> list[str]:
        """Ids matching `term` as the issue defines the search: id prefix, or name / full name /
        e-mail containing it, all case-insensitive and literal; id matches first, then by id; 20
        (`limit`; None: every match)."""
        b = self.base if regions is None else self.base[self.base["REGION"].isin(regions)]
        t = term.casefold()

        def contains(s: pd.Series) -> pd.Series:
            return s.fillna("").str.casefold().str.contains(t, regex=False)

        by_id = b["CUSTOMER_ID"].str.casefold().str.startswith(t)
        hit = by_id
        if pii:
            full = b["FIRST_NAME"].fillna("") + " " + b["LAST_NAME"].fillna("")
            hit = hit | contains(b["FIRST_NAME"]) | contains(b["LAST_NAME"]) | contains(full)
            hit = hit | contains(b["EMAIL"])
        found = b[hit].assign(_rank=(~by_id[hit]).astype(int))
        ids = found.sort_values(["_rank", "CUSTOMER_ID"])["CUSTOMER_ID"]
        return (ids if limit is None else ids.head(limit)).tolist()


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _same(a: Any, b: Any) -> bool:
    """Warehouse value against pandas value: numbers within 1e-9, times as timestamps."""
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, (int, float, Decimal)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, (dt.date, dt.datetime)):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


@pytest.fixture(scope="module")
def busiest(raw: Raw) -> str:
    """The customer with the most events of all four kinds together (and at least one ticket)."""
    with_tickets = set(raw.t[TICKETS]["CUSTOMER_ID"])
    totals: pd.Series = sum(  # type: ignore[assignment]
        raw.t[table].groupby("CUSTOMER_ID").size().reindex(raw.base["CUSTOMER_ID"], fill_value=0)
        for table, *_ in SOURCES
    )
    totals = totals[totals.index.isin(with_tickets)]
    return str(totals.sort_values(ascending=False, kind="stable").index[0])


@pytest.fixture(scope="module")
def without_tickets(raw: Raw) -> str:
    """A customer without a TICKET_PATTERNS row (no tickets)."""
    have = set(raw.t[PATTERNS]["CUSTOMER_ID"])
    return str(sorted(set(raw.base["CUSTOMER_ID"]) - have)[0])


def as_viewer(monkeypatch: pytest.MonkeyPatch, viewer: Viewer) -> None:
    monkeypatch.setattr(customers, "viewer_for", lambda user: viewer)


def outside(raw: Raw, region: str = "EMEA") -> str:
    return str(raw.base.loc[raw.base["REGION"] != region, "CUSTOMER_ID"].sort_values().iloc[0])


def inside(raw: Raw, region: str = "EMEA") -> str:
    return str(raw.base.loc[raw.base["REGION"] == region, "CUSTOMER_ID"].sort_values().iloc[0])


def no_sql(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any warehouse call fail the test; returns the list the calls would be recorded in."""
    calls: list[str] = []

    def refuse(name: str, **kwargs: Any) -> Any:
        calls.append(name)
        raise AssertionError(f"{name} ran although it should not have")

    monkeypatch.setattr(customers, "run_file", refuse)
    return calls


# --- Search ---------------------------------------------------------------------------------------------


def search_ids(response) -> list[str]:
    return [r["CUSTOMER_ID"] for r in response.context["results"]]


def test_a_term_shorter_than_two_characters_says_so_and_runs_no_sql(signed_in, monkeypatch):
    calls = no_sql(monkeypatch)
    response = signed_in.get("/customers/", {"q": "a"})
    assert response.status_code == 200
    assert "Type at least 2 characters" in response.content.decode()
    assert response.context["results"] == []
    assert signed_in.get("/customers/suggest", {"q": " x "}).json() == []
    assert calls == []


def test_the_search_page_without_a_term_shows_only_the_search_box(signed_in, monkeypatch):
    no_sql(monkeypatch)
    response = signed_in.get("/customers/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="combobox"' in html and "Type at least" not in html
    assert 'aria-current="page">Customers</a>' in html


@pytest.mark.parametrize("kind", ["first name", "last name", "full name", "e-mail", "id prefix"])
def test_search_finds_what_pandas_finds_by_each_field_case_insensitively(signed_in, raw, kind):
    c = raw.base.sort_values("CUSTOMER_ID").iloc[7]
    term = {
        "first name": str(c["FIRST_NAME"])[:3].upper(),
        "last name": str(c["LAST_NAME"])[-4:].lower(),
        "full name": f"{str(c['FIRST_NAME'])[-2:]} {str(c['LAST_NAME'])[:2]}".upper(),
        "e-mail": str(c["EMAIL"]).split("@")[0][-5:].upper(),
        "id prefix": str(c["CUSTOMER_ID"])[:6].lower(),
    }[kind]
    expected = raw.search(term)
    response = signed_in.get("/customers/", {"q": term})
    assert response.status_code == 200
    assert search_ids(response) == expected
    assert 0 < len(expected) <= 20
    if kind != "id prefix":
        assert c["CUSTOMER_ID"] in expected or len(expected) == 20


def test_search_returns_at_most_twenty_customers_ids_first(signed_in, raw):
    expected = raw.search("an")
    assert len(expected) == 20
    response = signed_in.get("/customers/", {"q": "an"})
    assert search_ids(response) == expected
    html = response.content.decode()
    assert len(raw.search("an", limit=None)) > 20
    assert "More than 20 customers match “an”" in html and "Showing the first 20" in html
    first = raw.base.set_index("CUSTOMER_ID").loc[expected[0]]
    assert f'<td class="num">${float(first["LIFETIME_VALUE"]):,.2f}</td>' in html


def test_a_search_with_fewer_matches_than_a_page_counts_them_and_says_nothing_of_more(signed_in, raw):
    c = raw.base.sort_values("CUSTOMER_ID").iloc[7]
    term = str(c["EMAIL"]).split("@")[0][-5:]
    every = raw.search(term, limit=None)
    assert 0 < len(every) < 20
    html = signed_in.get("/customers/", {"q": term}).content.decode()
    plural = "" if len(every) == 1 else "s"
    assert f"{len(every)} customer{plural} matching “{term}”" in html
    assert "More than" not in html and "Showing the first" not in html


def test_like_wildcards_in_the_term_are_taken_literally(signed_in, raw):
    emails = raw.base["EMAIL"].fillna("")
    assert emails.str.contains(r"n.j", regex=True).any()  # "n_j" as a LIKE pattern would match these
    for term in ("n_j", "%an", "a!b"):
        assert raw.search(term) == []
        response = signed_in.get("/customers/", {"q": term})
        assert search_ids(response) == []
        assert "No customer matches" in response.content.decode()


def test_an_exact_customer_id_in_any_case_opens_the_profile(signed_in, raw):
    customer_id = inside(raw)
    response = signed_in.get("/customers/", {"q": customer_id.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("customer", args=[customer_id])


def test_suggestions_are_a_json_list_of_at_most_eight_with_profile_links(signed_in, raw):
    expected = raw.search("ar")[:8]
    data = signed_in.get("/customers/suggest", {"q": "ar"}).json()
    assert [s["id"] for s in data] == expected
    assert all(s["url"] == f"/customers/{s['id']}/" for s in data)
    first = raw.base.set_index("CUSTOMER_ID").loc[expected[0]]
    assert data[0]["name"] == f"{first['FIRST_NAME']} {first['LAST_NAME']}"
    assert data[0]["email"] == first["EMAIL"]


def test_a_masked_viewer_finds_nobody_by_name_or_email_but_finds_ids_in_scope(signed_in, raw, monkeypatch):
    as_viewer(monkeypatch, MASKED_EMEA)
    c = raw.base[raw.base["REGION"] == "EMEA"].sort_values("CUSTOMER_ID").iloc[0]
    for term in (str(c["FIRST_NAME"]), str(c["LAST_NAME"]), str(c["EMAIL"]), "***", "**"):
        assert search_ids(signed_in.get("/customers/", {"q": term})) == [], term
        assert signed_in.get("/customers/suggest", {"q": term}).json() == [], term
    prefix = str(c["CUSTOMER_ID"])[:6]
    expected = raw.search(prefix, pii=False, regions={"EMEA"})
    response = signed_in.get("/customers/", {"q": prefix})
    assert search_ids(response) == expected and expected
    assert {r["NAME"] for r in response.context["results"]} == {"*** ***"}
    suggestions = signed_in.get("/customers/suggest", {"q": prefix}).json()
    assert [s["id"] for s in suggestions] == expected[:8]
    assert {s["email"] for s in suggestions} == {"***"}


def test_an_id_outside_the_viewers_scope_is_not_found_by_the_search(signed_in, raw, monkeypatch):
    as_viewer(monkeypatch, PII_EMEA)
    other = outside(raw)
    response = signed_in.get("/customers/", {"q": other})
    assert response.status_code == 200
    assert search_ids(response) == []
    assert signed_in.get("/customers/suggest", {"q": other}).json() == []


# --- Profile --------------------------------------------------------------------------------------------


def test_the_profile_shows_every_value_the_warehouse_holds_for_the_customer(signed_in, raw, busiest):
    response = signed_in.get(f"/customers/{busiest}/")
    assert response.status_code == 200
    shown = response.context["profile"]
    expected = raw.profile(busiest)
    wrong = {k: (shown[k], expected[k]) for k in shown if not _same(shown[k], expected[k])}
    assert wrong == {}
    html = response.content.decode()
    money = f"${float(expected['LIFETIME_VALUE']):,.2f}"
    for text in (
        money,
        f"{float(expected['CHURN_RISK_SCORE']):.1f} / 100 ({expected['CHURN_RISK_CATEGORY']})",
        expected["DERIVED_PERSONA"],
        expected["RECOMMENDED_ACTION"],
        f"{expected['FIRST_NAME']} {expected['LAST_NAME']}",
        expected["EMAIL"],
    ):
        assert str(text) in html
    assert expected["CUSTOMER_SUMMARY"].replace("'", "&#x27;") in html
    fields = {f.label: f.value for f in response.context["signals"]}
    assert fields["Open tickets"] == str(expected["OPEN_TICKET_COUNT"])
    assert fields["Most common ticket category"] == expected["MOST_COMMON_CATEGORY"]


def test_a_customer_without_tickets_shows_a_dash_for_the_ticket_signals(signed_in, raw, without_tickets):
    response = signed_in.get(f"/customers/{without_tickets}/")
    assert response.status_code == 200
    fields = {f.label: f.value for f in response.context["signals"]}
    for label in ("Open tickets", "High-priority tickets", "Most common ticket category", "Last ticket"):
        assert fields[label] == "—", label
    assert response.context["profile"]["OPEN_TICKET_COUNT"] is None


def test_an_unknown_customer_is_a_404(signed_in):
    assert signed_in.get("/customers/C9999999/").status_code == 404


def test_a_customer_outside_the_viewers_scope_is_a_404_not_a_403(signed_in, raw, monkeypatch):
    as_viewer(monkeypatch, MASKED_EMEA)
    assert signed_in.get(f"/customers/{outside(raw)}/").status_code == 404
    assert signed_in.get(f"/customers/{inside(raw)}/").status_code == 200


def test_a_masked_viewer_sees_stars_for_names_and_email_and_no_real_ones(signed_in, raw, monkeypatch):
    as_viewer(monkeypatch, MASKED_EMEA)
    customer_id = inside(raw)
    real = raw.profile(customer_id)
    response = signed_in.get(f"/customers/{customer_id}/")
    html = response.content.decode()
    assert response.context["name"] == "*** ***"
    assert "<h1>*** ***</h1>" in html
    assert {f.label: f.value for f in response.context["details"]}["E-mail"] == "***"
    for secret in (real["EMAIL"], f"{real['FIRST_NAME']} {real['LAST_NAME']}"):
        assert secret not in html
    assert f"${float(real['LIFETIME_VALUE']):,.2f}" in html


def test_the_sidebar_lists_only_the_workspaces_the_viewers_roles_open(signed_in, raw, monkeypatch):
    as_viewer(monkeypatch, Viewer(username="narrow", workspaces=frozenset({"overview"})))
    html = signed_in.get(f"/customers/{inside(raw)}/").content.decode()
    nav = html.split('<nav class="sidebar"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="/w/([\w-]+)/', nav) == ["overview"]
    assert 'href="/customers/" aria-current="page">Customers</a>' in nav


def test_the_customers_page_needs_a_signed_in_user(client, warehouse):
    response = client.get("/customers/C0000001/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Timeline -------------------------------------------------------------------------------------------


def _events(response) -> list[tuple[pd.Timestamp, str, str]]:
    return [(pd.Timestamp(e.at), e.kind, e.text) for e in response.context["events"]]


def _expected_texts(raw: Raw, customer_id: str, timeline: pd.DataFrame) -> list[str]:
    """The short text of each row: notes / English review / ticket description / product, qty and amount."""
    x = raw.t[TRANSACTIONS].set_index("TRANSACTION_ID")
    texts = []
    for row in timeline.itertuples():
        if row.KIND == "transaction":
            t = x.loc[row.EVENT_ID]
            texts.append(f"{t['QUANTITY']} \N{MULTIPLICATION SIGN} {row.TEXT}, ${float(t['AMOUNT']):,.2f}")
        else:
            texts.append("" if _missing(row.TEXT) else row.TEXT)
    return texts


def test_the_timeline_counts_and_rows_equal_pandas_newest_first(signed_in, raw, busiest):
    response = signed_in.get(f"/customers/{busiest}/")
    events = raw.events(busiest)
    counts = {k["value"]: k["count"] for k in response.context["kinds"]}
    assert counts == {kind: int((events["KIND"] == kind).sum()) for kind in ALL_KINDS}
    assert all(counts.values())
    expected = raw.timeline(busiest)
    shown = _events(response)
    assert len(shown) == len(expected) == min(1000, len(events))
    assert [(ts, kind) for ts, kind, _ in shown] == list(
        zip(expected["EVENT_TS"], expected["KIND"], strict=True)
    )
    assert [text for *_, text in shown] == _expected_texts(raw, busiest, expected)
    sentiments = [e.sentiment for e in response.context["events"]]
    assert sentiments == ["" if _missing(s) else f"{s:+.2f}" for s in expected["SENTIMENT"]]


@pytest.mark.parametrize(
    "kinds", [("ticket",), ("review", "transaction"), ("interaction", "review", "ticket")]
)
def test_the_timeline_filters_by_kind(signed_in, raw, busiest, kinds):
    response = signed_in.get(f"/customers/{busiest}/", {"kind": list(kinds)})
    assert response.status_code == 200
    expected = raw.timeline(busiest, kinds)
    assert [(ts, kind) for ts, kind, _ in _events(response)] == list(
        zip(expected["EVENT_TS"], expected["KIND"], strict=True)
    )
    checked = {k["value"] for k in response.context["kinds"] if k["checked"]}
    assert checked == set(kinds)


def test_a_ticket_row_links_to_the_helpdesk(signed_in, raw, busiest, settings):
    settings.HELPDESK_TICKET_URL = "https://desk.example.org/t/{id}"
    response = signed_in.get(f"/customers/{busiest}/", {"kind": "ticket"})
    tickets = raw.t[TICKETS]
    ids = tickets.loc[tickets["CUSTOMER_ID"] == busiest, "EXTERNAL_TICKET_ID"]
    html = response.content.decode()
    for ticket in ids:
        assert f'href="https://desk.example.org/t/{ticket}"' in html


def test_an_unknown_kind_is_a_400_naming_the_parameter_before_any_sql(signed_in, monkeypatch):
    calls = no_sql(monkeypatch)
    response = signed_in.get("/customers/C0000001/", {"kind": ["ticket", "email"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<code>kind</code>" in html and "email" in html
    assert calls == []


def test_the_timeline_keeps_only_the_most_recent_thousand_events(
    signed_in, raw, busiest, settings, demo_warehouse_path, tmp_path
):
    """The test warehouse has no customer with 1,000 events: give one 1,200 more interactions."""
    path = tmp_path / "crowded.duckdb"
    shutil.copy(demo_warehouse_path, path)
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO ANALYTICS.FACT_CUSTOMER_INTERACTIONS "
        "SELECT INTERACTION_ID + 100000000, ?, INTERACTION_TS, CHANNEL, INTERACTION_TYPE, INTERACTION_NOTES, "
        "SENTIMENT_SCORE FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS ORDER BY INTERACTION_ID LIMIT 1200",
        [busiest],
    )
    extra = con.execute(
        "SELECT INTERACTION_ID, INTERACTION_TS FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS "
        "WHERE CUSTOMER_ID = ? AND INTERACTION_ID > 100000000",
        [busiest],
    ).df()
    con.close()
    settings.WAREHOUSE_PATH = path
    client.reset()
    try:
        response = signed_in.get(f"/customers/{busiest}/")
    finally:
        client.reset()
    events = raw.events(busiest)
    added = pd.DataFrame(
        {
            "EVENT_TS": pd.to_datetime(extra["INTERACTION_TS"]),
            "KIND": "interaction",
            "EVENT_ID": extra["INTERACTION_ID"].astype("int64"),
        }
    )
    everything = pd.concat([events[["EVENT_TS", "KIND", "EVENT_ID"]], added], ignore_index=True)
    everything = everything.sort_values(["EVENT_TS", "KIND", "EVENT_ID"], ascending=[False, True, False])
    expected = everything.head(1000)
    shown = _events(response)
    assert len(shown) == 1000
    assert [(ts, kind) for ts, kind, _ in shown] == list(
        zip(expected["EVENT_TS"], expected["KIND"], strict=True)
    )
    assert f"The most recent 1,000 of {len(everything):,} events" in response.content.decode()


# --- Charts ---------------------------------------------------------------------------------------------


def figures(html: str) -> list[dict[str, Any]]:
    """The figure JSON that follows each `data-plot` div, in page order."""
    pattern = r'<div class="plot" data-plot></div>\s*<script[^>]*type="application/json">(.*?)</script>'
    return [json.loads(m) for m in re.findall(pattern, html, flags=re.S)]


def test_the_spending_trend_and_category_mix_equal_pandas(signed_in, raw, busiest):
    response = signed_in.get(f"/customers/{busiest}/")
    trend, mix = figures(response.content.decode())
    assert trend["data"][0]["type"] == "bar"
    expected = raw.spending_trend(busiest)
    assert trend["data"][0]["x"] == [m for m, _ in expected]
    assert trend["data"][0]["y"] == pytest.approx([v for _, v in expected], rel=1e-9)
    assert mix["data"][0]["type"] == "pie"
    expected_mix = raw.category_mix(busiest)
    assert mix["data"][0]["labels"] == [c for c, _ in expected_mix]
    assert mix["data"][0]["values"] == pytest.approx([v for _, v in expected_mix], rel=1e-9)
    assert sum(v for _, v in expected) == pytest.approx(sum(v for _, v in expected_mix), rel=1e-9)


def test_a_customer_without_completed_purchases_says_so_instead_of_charts(signed_in, raw):
    x = raw.t[TRANSACTIONS]
    buyers = set(x.loc[x["STATUS"] == "completed", "CUSTOMER_ID"])
    customer_id = sorted(set(raw.base["CUSTOMER_ID"]) - buyers)[0]
    response = signed_in.get(f"/customers/{customer_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert figures(html) == []
    assert html.count("No completed purchases.") == 2


# --- Both backends --------------------------------------------------------------------------------------


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return round(value, 6) if not math.isnan(value) else "nan"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def test_every_sql_file_under_sql_queries_customer_is_one_the_page_runs():
    from dashboards.queries import SQL_DIR

    on_disk = {str(p.relative_to(SQL_DIR)) for p in (Path(SQL_DIR) / "customer").glob("*.sql")}
    assert on_disk == set(customers.SQL_FILES)


@pytest.mark.snowflake
def test_every_customer_query_gives_the_same_rows_on_duckdb_and_on_snowflake(
    settings, warehouse, snowflake_settings, raw, busiest
):
    escape = customers.like_escape
    runs: list[tuple[str, Viewer, dict[str, Any]]] = []
    for term in ("an", "SMI", "c00012", "n_j", "icloud"):
        named = {"q": f"%{escape(term)}%", "q_prefix": f"{escape(term)}%"}
        runs.append((customers.SEARCH_SQL, Viewer("t"), named))
        runs.append((customers.SEARCH_BY_ID_SQL, MASKED_EMEA, named))
    kinds = {f"kind_{i}": k for i, k in enumerate(ALL_KINDS, start=1)}
    for customer_id in (busiest, inside(raw)):
        for name in (
            customers.PROFILE_SQL,
            customers.TIMELINE_COUNTS_SQL,
            *(c.sql for c in customers.CHARTS),
        ):
            runs.append((name, Viewer("t"), {"customer_id": customer_id}))
        runs.append((customers.TIMELINE_SQL, Viewer("t"), {"customer_id": customer_id, **kinds}))
    runs.append((customers.PROFILE_SQL, MASKED_EMEA, {"customer_id": inside(raw)}))
    runs.append((customers.PROFILE_SQL, MASKED_EMEA, {"customer_id": outside(raw)}))
    for name, viewer, named in runs:
        query = compile_file(name, viewer=viewer, named=named)
        results = []
        for backend in ("duckdb", "snowflake"):
            settings.WAREHOUSE_BACKEND = backend
            client.reset()
            results.append(client.run_uncached(query, user_tag="test"))
        on_duckdb, on_snowflake = results
        assert on_duckdb.columns == on_snowflake.columns, name
        assert [tuple(map(_norm, r)) for r in on_duckdb.rows] == [
            tuple(map(_norm, r)) for r in on_snowflake.rows
        ], (name, named)
    assert set(customers.SQL_FILES) == {name for name, _, _ in runs}


# --- In the browser -------------------------------------------------------------------------------------


@pytest.fixture
def portal(live_server, settings, warehouse, user):
    # A transactional test empties the tables after it ran, the roles the migrations created
    # included, so make sure the test user's group still grants a role that sees everything.
    from accounts.models import WORKSPACE_SLUGS, Role

    Role.objects.get_or_create(
        name="Customer 360 browser test",
        defaults={
            "idp_groups": [g.name for g in user.groups.all()],
            "pii": True,
            "workspaces": list(WORKSPACE_SLUGS),
        },
    )
    # The live server serves static files from the finders, so use un-hashed names here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return live_server.url


def sign_in(page, base: str, next_path: str = "/") -> None:
    from tests.fixtures.portal import TEST_PASSWORD

    page.goto(f"{base}/accounts/login/?next={quote(next_path)}")
    page.get_by_label("Username").fill("ana.analyst")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def page_violations(page, violations: list) -> list:
    """The audit's violations outside the shared top bar (base.html; the Overview's browser test
    audits that one), so that this page's own markup is what fails here."""
    in_topbar = "(sel) => { const e = document.querySelector(sel); return !!e && !!e.closest('.topbar'); }"
    return [v for v in violations if not all(page.evaluate(in_topbar, t) for t in v["targets"])]


PLOTS_DRAWN = (
    "() => { const d = [...document.querySelectorAll('[data-plot]')];"
    " return d.length > 0 && d.every(e => e.classList.contains('js-plotly-plot')); }"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_suggestions_appear_as_you_type_and_the_keyboard_opens_a_customer(page, portal, raw):
    from playwright.sync_api import expect

    from tests.fixtures.browser import axe_audit, console_errors, format_violations

    sign_in(page, portal, "/customers/")
    box = page.locator("#customer-q")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("ar", delay=30)
    options = page.get_by_role("option")
    expected = raw.search("ar")[:8]
    expect(options).to_have_count(len(expected))
    expect(box).to_have_attribute("aria-expanded", "true")
    violations = page_violations(page, axe_audit(page))
    assert violations == [], format_violations(violations)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "customer-suggestions-1")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#customer-suggestions")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{portal}/customers/{expected[1]}/"
    page.wait_for_function(PLOTS_DRAWN)
    assert console_errors(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_search_form_works_without_suggestions(page, portal, raw):
    sign_in(page, portal, "/customers/")
    page.locator("#customer-q").fill("an")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/customers/?q=an")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == len(raw.search("an"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_profile_passes_an_axe_audit_and_reads_on_a_phone(page, phone_page, portal, busiest):
    from tests.fixtures.browser import axe_audit, console_errors, format_violations

    Path("var/screenshots").mkdir(parents=True, exist_ok=True)
    for p, name in ((page, "desktop"), (phone_page, "phone")):
        sign_in(p, portal, f"/customers/{busiest}/")
        p.wait_for_function(PLOTS_DRAWN)
        assert p.locator(".js-plotly-plot").count() == 2
        p.screenshot(path=f"var/screenshots/customer-{name}.png", full_page=True)
        violations = page_violations(p, axe_audit(p))
        assert violations == [], format_violations(violations)
        assert console_errors(p) == []
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
