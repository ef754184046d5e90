"""Every Customer Journey number against an independent computation, straight from the warehouse file.

The portal compiles its SQL files, filters them and serves each chart's rows as CSV. Here the same
numbers are computed from the raw tables with pandas alone (no SQL file, no query compiler), from the
definition each SQL file states in its comment and the filter contract (WAREHOUSE.md, the compiler's
docstring), then compared: exactly for counts and labels, within 1e-9 for floats. Then every chart's
fragment is drawn, to check that the figure has the trace type its kind calls for.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from functools import partial
from html import unescape
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.numbers import Selection, assert_count, assert_number, csv_rows

SLUG = "journey"
get_csv = partial(csv_rows, SLUG)
DAY = dt.timedelta(days=1)
RANGE_FROM, RANGE_TO = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
# The stages of the lifecycle funnel, as the SQL defines them, and the retention heatmap's limits.
STAGES = ("Signed up", "First interaction", "First purchase", "Repeat purchase", "Reviewer")
COHORTS, MONTHS = 12, 12

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
INTERACTIONS = "FACT_CUSTOMER_INTERACTIONS"
REVIEWS = "FACT_PRODUCT_REVIEWS"
TRANSACTIONS = "FACT_TRANSACTIONS"

# The contract, restated here on purpose rather than imported from dashboards.warehouse.tables.
TIME_COLUMN = {INTERACTIONS: "INTERACTION_TS", REVIEWS: "REVIEW_TS", TRANSACTIONS: "TRANSACTION_TS"}
CUSTOMER_FILTERS = {
    "persona": (SIGNALS, "DERIVED_PERSONA"),
    "value_segment": (SIGNALS, "VALUE_SEGMENT"),
    "churn_risk": (SIGNALS, "CHURN_RISK"),
    "upsell": (SIGNALS, "UPSELL_OPPORTUNITY"),
    "region": (BASE, "REGION"),
}
ROW_FILTERS = {
    "interaction_type": {INTERACTIONS: "INTERACTION_TYPE"},
    "channel": {INTERACTIONS: "CHANNEL", TRANSACTIONS: "CHANNEL"},
    "language": {REVIEWS: "REVIEW_LANGUAGE"},
}


# --- What a request selects --------------------------------------------------------------------


# --- The raw tables and the independent computation ---------------------------------------------


def _most_common(series: pd.Series) -> str:
    counts = series.dropna().value_counts()
    top = counts.max()
    return sorted(counts[counts == top].index)[0]


class Raw:
    """The warehouse's tables as pandas frames, and the contract's filters applied in pandas."""

    def __init__(self, path: Path) -> None:
        con = duckdb.connect(str(path), read_only=True)
        try:
            self.tables = {
                name: con.execute(f"SELECT * FROM ANALYTICS.{name}").df()
                for name in (BASE, SIGNALS, INTERACTIONS, REVIEWS, TRANSACTIONS)
            }
        finally:
            con.close()
        for table, column in TIME_COLUMN.items():
            self.tables[table][column] = pd.to_datetime(self.tables[table][column])
        self.tables[BASE]["SIGNUP_DATE"] = pd.to_datetime(self.tables[BASE]["SIGNUP_DATE"])

    def keep_customers(self, frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
        """Customer-attribute filters: keep the rows of customers whose attributes match."""
        for name, values in sel.values:
            if name in CUSTOMER_FILTERS:
                source, column = CUSTOMER_FILTERS[name]
                attrs = self.tables[source]
                ids = attrs.loc[attrs[column].isin(values), "CUSTOMER_ID"]
                frame = frame[frame["CUSTOMER_ID"].isin(ids)]
        return frame

    def rows(self, table: str, sel: Selection, *, dated: bool = True) -> pd.DataFrame:
        """The rows of `table` the selection keeps: date range, row filters, customer filters."""
        frame = self.tables[table]
        if dated and table in TIME_COLUMN:
            ts = frame[TIME_COLUMN[table]]
            frame = frame[(ts >= sel.start) & (ts < sel.end)]
        for name, values in sel.values:
            column = ROW_FILTERS.get(name, {}).get(table)
            if column:
                frame = frame[frame[column].isin(values)]
        return self.keep_customers(frame, sel)

    def until_end(self, table: str, sel: Selection) -> pd.DataFrame:
        """Every row up to the end of the period (the other filters still apply)."""
        frame = self.rows(table, sel, dated=False)
        return frame[frame[TIME_COLUMN[table]] < sel.end]


def personas(raw: Raw, sel: Selection) -> list[tuple[str, int]]:
    counts = raw.keep_customers(raw.tables[SIGNALS], sel)["DERIVED_PERSONA"].value_counts()
    return sorted(((str(p), int(n)) for p, n in counts.items()), key=lambda r: (-r[1], r[0]))


def interaction_types(raw: Raw, sel: Selection) -> list[tuple[str, str, int]]:
    signals = raw.keep_customers(raw.tables[SIGNALS], sel)[["CUSTOMER_ID", "DERIVED_PERSONA"]]
    joined = raw.rows(INTERACTIONS, sel).merge(signals, on="CUSTOMER_ID", how="inner")
    counts = joined.groupby(["DERIVED_PERSONA", "INTERACTION_TYPE"]).size()
    totals = counts.groupby(level=0).sum()
    cells = [(persona, kind, int(n)) for (persona, kind), n in counts.items()]
    return sorted(cells, key=lambda c: (-totals[c[0]], c[0], c[1]))


def lifecycle_funnel(raw: Raw, sel: Selection) -> list[tuple[str, int]]:
    base = raw.keep_customers(raw.tables[BASE], sel)
    signed = base["SIGNUP_DATE"]
    cohort = set(base.loc[(signed >= sel.start) & (signed <= pd.Timestamp(sel.date_to)), "CUSTOMER_ID"])
    interacted = cohort & set(raw.until_end(INTERACTIONS, sel)["CUSTOMER_ID"])
    tx = raw.until_end(TRANSACTIONS, sel)
    purchases = tx[tx["STATUS"] == "completed"]["CUSTOMER_ID"].value_counts()
    bought = interacted & set(purchases[purchases >= 1].index)
    again = interacted & set(purchases[purchases >= 2].index)
    reviewed = again & set(raw.until_end(REVIEWS, sel)["CUSTOMER_ID"])
    counts = [len(s) for s in (cohort, interacted, bought, again, reviewed)]
    return list(zip(STAGES, counts, strict=True))


ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def channel_paths(raw: Raw, sel: Selection) -> list[tuple[str, str, int]]:
    frame = raw.rows(INTERACTIONS, sel).sort_values(["CUSTOMER_ID", "INTERACTION_TS", "INTERACTION_ID"])
    frame = frame.assign(STEP=frame.groupby("CUSTOMER_ID").cumcount() + 1)
    wide = frame[frame["STEP"] <= 3].pivot(index="CUSTOMER_ID", columns="STEP", values="CHANNEL")
    flows: list[tuple[int, str, str, int]] = []
    for step in (1, 2):
        if step + 1 not in wide.columns:
            continue
        pairs = wide[[step, step + 1]].dropna()
        for (a, b), n in pairs.groupby([step, step + 1]).size().items():
            flows.append((step, f"{a} ({ORDINAL[step]})", f"{b} ({ORDINAL[step + 1]})", int(n)))
    flows.sort(key=lambda f: (f[0], -f[3], f[1], f[2]))
    return [(source, target, n) for _, source, target, n in flows]


def _month_index(ts: pd.Series) -> pd.Series:
    return ts.dt.year * 12 + ts.dt.month


def cohort_retention(raw: Raw, sel: Selection) -> list[tuple[int, str, float]]:
    base = raw.keep_customers(raw.tables[BASE], sel)
    base = base[base["SIGNUP_DATE"] <= pd.Timestamp(sel.date_to)]
    cohort_of = base.set_index("CUSTOMER_ID")["SIGNUP_DATE"].dt.to_period("M").dt.start_time
    # The 12 calendar months ending with the month of date_to, whatever the other filters keep.
    first = (pd.Period(sel.date_to, "M") - (COHORTS - 1)).start_time
    sizes = cohort_of.value_counts().sort_index()
    sizes = sizes[sizes.index >= first]
    tx = raw.until_end(TRANSACTIONS, sel)
    tx = tx[(tx["STATUS"] == "completed") & tx["CUSTOMER_ID"].isin(cohort_of.index)]
    tx = tx.assign(COHORT=tx["CUSTOMER_ID"].map(cohort_of))
    tx = tx[tx["COHORT"].isin(sizes.index)]
    tx = tx.assign(MONTHS=_month_index(tx["TRANSACTION_TS"]) - _month_index(tx["COHORT"]))
    buyers = tx.groupby(["COHORT", "MONTHS"])["CUSTOMER_ID"].nunique()
    last = sel.date_to.year * 12 + sel.date_to.month
    cells = []
    for cohort, size in sizes.items():
        for months in range(MONTHS):
            if cohort.year * 12 + cohort.month + months > last:
                break
            cells.append(
                (months, cohort.date().isoformat(), int(buyers.get((cohort, months), 0)) / int(size))
            )
    return cells


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+region+channel", "range+persona+interaction_type+language")


@pytest.fixture(scope="module")
def selections(raw: Raw) -> dict[str, Selection]:
    """The filter sets, with values taken from the data (the most common of each), not written in."""
    t = raw.tables
    region = _most_common(t[BASE]["REGION"])
    channel = _most_common(t[INTERACTIONS]["CHANNEL"])
    persona = _most_common(t[SIGNALS]["DERIVED_PERSONA"])
    kind = _most_common(t[INTERACTIONS]["INTERACTION_TYPE"])
    language = _most_common(t[REVIEWS]["REVIEW_LANGUAGE"])
    plain = Selection(RANGE_FROM, RANGE_TO)
    return {
        "range": plain,
        "range+region+channel": replace(plain, values=(("region", (region,)), ("channel", (channel,)))),
        "range+persona+interaction_type+language": replace(
            plain,
            values=(("persona", (persona,)), ("interaction_type", (kind,)), ("language", (language,))),
        ),
    }


def test_every_filter_set_still_leaves_signups_interactions_and_purchases(raw, selections):
    """Otherwise the comparisons below would compare empty results and prove little."""
    for name, sel in selections.items():
        funnel = dict(lifecycle_funnel(raw, sel))
        assert funnel["Signed up"] >= 5, name
        assert funnel["Repeat purchase"] >= 1, name
        assert len(raw.rows(INTERACTIONS, sel)) >= 50, name
        assert channel_paths(raw, sel), name  # a channel filter leaves one channel: a single path
    assert len(channel_paths(raw, selections["range"])) >= 5


# --- Reading what the portal serves ------------------------------------------------------------------


# --- Charts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
def test_personas_count_customers_per_persona_largest_first(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "personas", sel.query())
    assert list(rows[0]) == ["DERIVED_PERSONA", "CUSTOMERS"]
    expected = personas(raw, sel)
    assert [r["DERIVED_PERSONA"] for r in rows] == [p for p, _ in expected]
    for row, (persona, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, persona)


def test_personas_are_per_customer_so_the_date_range_does_not_apply_and_the_chart_says_so(
    signed_in, selections
):
    sel = selections["range"]
    other = Selection(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert get_csv(signed_in, "personas", sel.query()) == get_csv(signed_in, "personas", other.query())
    html = signed_in.get(f"/w/{SLUG}/chart/personas/?{sel.query()}").content.decode()
    assert "Not limited by: Date range" in html


@pytest.mark.parametrize("selection", SELECTIONS)
def test_interaction_types_count_interactions_per_persona_and_type_busiest_persona_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "interaction_types", sel.query())
    assert list(rows[0]) == ["DERIVED_PERSONA", "INTERACTION_TYPE", "INTERACTIONS"]
    expected = interaction_types(raw, sel)
    assert [(r["DERIVED_PERSONA"], r["INTERACTION_TYPE"]) for r in rows] == [(p, k) for p, k, _ in expected]
    for row, (persona, kind, n) in zip(rows, expected, strict=True):
        assert_count(row["INTERACTIONS"], n, f"{persona} {kind}")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_the_funnel_counts_the_periods_signups_reaching_each_stage_by_the_periods_end(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "lifecycle_funnel", sel.query())
    assert list(rows[0]) == ["STAGE", "CUSTOMERS"]
    expected = lifecycle_funnel(raw, sel)
    assert [r["STAGE"] for r in rows] == list(STAGES)
    for row, (stage, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, stage)
    counts = [int(r["CUSTOMERS"]) for r in rows]
    assert counts == sorted(counts, reverse=True), "each stage includes the ones before it"


def test_the_funnel_of_a_period_without_signups_is_all_zeros_not_empty(signed_in, raw):
    first = raw.tables[BASE]["SIGNUP_DATE"].min().date()
    sel = Selection(first - 10 * DAY, first - DAY)
    rows = get_csv(signed_in, "lifecycle_funnel", sel.query())
    assert [(r["STAGE"], r["CUSTOMERS"]) for r in rows] == [(stage, "0") for stage in STAGES]


@pytest.mark.parametrize("selection", SELECTIONS)
def test_channel_paths_follow_each_customers_first_three_interactions_in_the_period(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "channel_paths", sel.query())
    assert list(rows[0]) == ["SOURCE", "TARGET", "CUSTOMERS"]
    expected = channel_paths(raw, sel)
    assert [(r["SOURCE"], r["TARGET"]) for r in rows] == [(s, t) for s, t, _ in expected]
    for row, (source, target, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, f"{source} -> {target}")
    assert not {r["SOURCE"] for r in rows if "(1st)" in r["SOURCE"]} & {r["TARGET"] for r in rows}


@pytest.mark.parametrize("selection", SELECTIONS)
def test_cohort_retention_is_the_share_of_each_signup_month_buying_in_each_month_since(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "cohort_retention", sel.query())
    assert list(rows[0]) == ["MONTHS_SINCE_SIGNUP", "COHORT", "RETENTION"]
    expected = cohort_retention(raw, sel)
    assert [(int(r["MONTHS_SINCE_SIGNUP"]), r["COHORT"]) for r in rows] == [(m, c) for m, c, _ in expected]
    for row, (months, cohort, share) in zip(rows, expected, strict=True):
        assert_number(row["RETENTION"], share, f"{cohort} +{months}")


def test_cohort_retention_shows_twelve_cohorts_and_at_most_twelve_months_each(signed_in, selections):
    rows = get_csv(signed_in, "cohort_retention", selections["range"].query())
    cohorts = sorted({r["COHORT"] for r in rows})
    assert len(cohorts) == COHORTS
    assert cohorts[-1] == RANGE_TO.replace(day=1).isoformat()
    months = {int(r["MONTHS_SINCE_SIGNUP"]) for r in rows}
    assert months == set(range(MONTHS))
    assert len(rows) == sum(min(MONTHS, k) for k in range(1, COHORTS + 1)), (
        "a triangle: later cohorts are younger"
    )


@pytest.mark.parametrize("selection", SELECTIONS)
def test_cohort_retention_shows_the_same_twelve_calendar_months_whatever_the_filters(
    signed_in, selections, selection
):
    rows = get_csv(signed_in, "cohort_retention", selections[selection].query())
    first = (pd.Period(RANGE_TO, "M") - (COHORTS - 1)).start_time.date().isoformat()
    cohorts = {r["COHORT"] for r in rows}
    assert cohorts and min(cohorts) >= first
    assert max(cohorts) <= RANGE_TO.replace(day=1).isoformat()


# --- Drawing -----------------------------------------------------------------------------------

TRACE_TYPES = {
    "personas": "pie",
    "interaction_types": "bar",
    "lifecycle_funnel": "bar",
    "channel_paths": "sankey",
    "cohort_retention": "heatmap",
}


def figure(client, chart_id: str, query: str) -> dict[str, Any]:
    response = client.get(f"/w/{SLUG}/chart/{chart_id}/?{query}")
    assert response.status_code == 200
    match = re.search(
        r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', response.content.decode(), re.S
    )
    assert match, f"{chart_id} draws no figure"
    return json.loads(unescape(match.group(1)))


@pytest.mark.parametrize("chart_id", list(TRACE_TYPES))
def test_each_chart_draws_a_figure_of_its_kind(signed_in, selections, chart_id):
    fig = figure(signed_in, chart_id, selections["range"].query())
    assert fig["data"], chart_id
    assert {trace["type"] for trace in fig["data"]} == {TRACE_TYPES[chart_id]}


def test_interaction_types_draw_one_bar_per_type_grouped_by_persona(signed_in, raw, selections):
    fig = figure(signed_in, "interaction_types", selections["range"].query())
    kinds = raw.rows(INTERACTIONS, selections["range"])["INTERACTION_TYPE"].unique()
    assert sorted(trace["name"] for trace in fig["data"]) == sorted(kinds)
    assert fig["layout"].get("barmode", "group") == "group"


def test_the_funnel_is_drawn_horizontally_first_stage_on_top(signed_in, selections):
    fig = figure(signed_in, "lifecycle_funnel", selections["range"].query())
    (trace,) = fig["data"]
    assert trace.get("orientation") == "h"
    assert list(trace["y"]) == list(STAGES)
    assert fig["layout"]["yaxis"].get("autorange") == "reversed", "the first row is drawn on top"


def test_the_workspace_page_holds_every_chart(signed_in, selections):
    response = signed_in.get(f"/w/{SLUG}/?{selections['range'].query()}")
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Persona distribution", "Interaction type by persona", "Lifecycle funnel", "Channel paths"):
        assert title in html
    assert "Signup cohort retention" in html
