"""Every Insights & Summaries number against an independent computation, straight from the warehouse file.

Each chart's CSV is compared with rows computed from the raw tables with pandas alone (no SQL file, no
query compiler), from the definition the chart states and the filter contract (WAREHOUSE.md): exactly
for counts, labels and ids, within 1e-9 for floats.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.numbers import Selection, assert_count, assert_number, csv_rows

DAY = dt.timedelta(days=1)
RANGE_FROM, RANGE_TO = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
SLUG = "insights"
get_csv = partial(csv_rows, SLUG)
MIN_INTERACTIONS = 3

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
SUMMARIES = "INSIGHT_SUMMARIES"
CHURN = "CHURN_PREDICTIONS"
INTERACTIONS = "FACT_CUSTOMER_INTERACTIONS"
REVIEWS = "FACT_PRODUCT_REVIEWS"
TICKETS = "FACT_SUPPORT_TICKETS"
TRANSACTIONS = "FACT_TRANSACTIONS"

# The contract, restated here on purpose rather than imported from dashboards.warehouse.tables.
TIME_COLUMN = {
    INTERACTIONS: "INTERACTION_TS",
    REVIEWS: "REVIEW_TS",
    TICKETS: "CREATED_AT",
    TRANSACTIONS: "TRANSACTION_TS",
}
CUSTOMER_FILTERS = {
    "persona": (SIGNALS, "DERIVED_PERSONA"),
    "value_segment": (SIGNALS, "VALUE_SEGMENT"),
    "churn_risk": (SIGNALS, "CHURN_RISK"),
    "upsell": (SIGNALS, "UPSELL_OPPORTUNITY"),
    "region": (BASE, "REGION"),
}
ROW_FILTERS = {
    "interaction_type": {INTERACTIONS: "INTERACTION_TYPE"},
    "channel": {INTERACTIONS: "CHANNEL", TICKETS: "CHANNEL", TRANSACTIONS: "CHANNEL"},
    "language": {REVIEWS: "REVIEW_LANGUAGE"},
}


def _between(ts: pd.Series, start: dt.date, end_inclusive: dt.date) -> pd.Series:
    return (ts >= pd.Timestamp(start)) & (ts < pd.Timestamp(end_inclusive + DAY))


class Raw:
    def __init__(self, path: Path) -> None:
        con = duckdb.connect(str(path), read_only=True)
        try:
            self.tables = {
                name: con.execute(f"SELECT * FROM ANALYTICS.{name}").df()
                for name in (BASE, SIGNALS, SUMMARIES, CHURN, INTERACTIONS, REVIEWS, TICKETS, TRANSACTIONS)
            }
        finally:
            con.close()
        for table, column in TIME_COLUMN.items():
            self.tables[table][column] = pd.to_datetime(self.tables[table][column])
        for table, column in (
            (SIGNALS, "LIFETIME_VALUE"),
            (TRANSACTIONS, "AMOUNT"),
            (CHURN, "CHURN_RISK_SCORE"),
        ):
            self.tables[table][column] = self.tables[table][column].astype(float)

    def keep_customers(self, frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
        for name, values in sel.values:
            if name in CUSTOMER_FILTERS:
                source, column = CUSTOMER_FILTERS[name]
                attrs = self.tables[source]
                frame = frame[frame["CUSTOMER_ID"].isin(attrs.loc[attrs[column].isin(values), "CUSTOMER_ID"])]
        return frame

    def rows(self, table: str, sel: Selection, *, dated: bool = True) -> pd.DataFrame:
        frame = self.tables[table]
        if dated:
            frame = frame[_between(frame[TIME_COLUMN[table]], sel.date_from, sel.date_to)]
        for name, values in sel.values:
            column = ROW_FILTERS.get(name, {}).get(table)
            if column:
                frame = frame[frame[column].isin(values)]
        return self.keep_customers(frame, sel)


def _most_common(series: pd.Series) -> str:
    counts = series.dropna().value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def _value(x: Any) -> Any:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return x.item() if isinstance(x, np.generic) else x


# --- The independent computations -----------------------------------------------------------------

SEGMENT_TYPES = {"persona": "DERIVED_PERSONA", "value segment": "VALUE_SEGMENT", "region": "REGION"}


def what_changed(raw: Raw, sel: Selection) -> list[tuple[str, str, str, float, int | None, str]]:
    """(METRIC, SEGMENT_TYPE, SEGMENT, VALUE, OBSERVATIONS, FMT) as the SQL file defines them."""
    customers = raw.keep_customers(raw.tables[SIGNALS], sel)[
        ["CUSTOMER_ID", "DERIVED_PERSONA", "VALUE_SEGMENT"]
    ]
    customers = customers.merge(raw.tables[BASE][["CUSTOMER_ID", "REGION"]], on="CUSTOMER_ID")
    interactions = raw.rows(INTERACTIONS, sel)
    tickets = raw.rows(TICKETS, sel)
    completed = raw.rows(TRANSACTIONS, sel)
    completed = completed[completed["STATUS"] == "completed"]
    reviews = raw.rows(REVIEWS, sel)
    measures = [  # name, facts, value column (None: count rows), averaged, format
        ("Interactions", interactions, None, False, "int"),
        ("Average interaction sentiment", interactions, "SENTIMENT_SCORE", True, "float2"),
        ("Support tickets", tickets, None, False, "int"),
        ("Average CSAT", tickets, "CSAT_SCORE", True, "float2"),
        ("Revenue", completed, "AMOUNT", False, "money"),
        ("Average review rating", reviews, "REVIEW_RATING", True, "float2"),
    ]
    rows = []
    for name, facts, column, averaged, fmt in measures:
        facts = facts.merge(customers, on="CUSTOMER_ID")
        x = pd.Series(1.0, index=facts.index) if column is None else facts[column].astype(float)
        facts = facts.assign(X=x)[x.notna()]
        if facts.empty:
            continue

        def row(group: pd.DataFrame, kind: Any, segment: Any, name=name, averaged=averaged, fmt=fmt):
            value = group["X"].mean() if averaged else group["X"].sum()
            return (name, kind, segment, float(value), len(group) if averaged else None, fmt)

        rows.append(row(facts, None, None))
        types = dict(SEGMENT_TYPES)
        if "CHANNEL" in facts.columns:
            types["channel"] = "CHANNEL"
        for kind, attribute in types.items():
            for segment, group in facts.groupby(attribute):
                rows.append(row(group, kind, segment))
    return sorted(rows, key=lambda r: (r[0], r[1] is not None, r[1] or "", r[2] or ""))


def high_value_at_risk(raw: Raw, sel: Selection) -> pd.DataFrame:
    signals = raw.keep_customers(raw.tables[SIGNALS], sel)
    frame = signals[(signals["VALUE_SEGMENT"] == "High Value") & (signals["CHURN_RISK"] == "High")]
    base = raw.tables[BASE][["CUSTOMER_ID", "REGION", "LAST_PURCHASE_DATE", "IS_ACTIVE"]]
    frame = frame.merge(base[base["IS_ACTIVE"].astype(bool)], on="CUSTOMER_ID")
    frame = frame.merge(
        raw.tables[CHURN][["CUSTOMER_ID", "CHURN_RISK_SCORE", "TOP_FACTOR"]], on="CUSTOMER_ID"
    )
    frame = frame.merge(
        raw.tables[SUMMARIES][["CUSTOMER_ID", "RECOMMENDED_ACTION"]], on="CUSTOMER_ID", how="left"
    )
    frame = frame.sort_values(
        ["CHURN_RISK_SCORE", "LIFETIME_VALUE", "CUSTOMER_ID"],
        ascending=[False, False, True],
        kind="mergesort",
    )
    return frame.head(200)


def sentiment_drops(raw: Raw, sel: Selection) -> pd.DataFrame:
    scored = raw.rows(INTERACTIONS, sel, dated=False)
    scored = scored[scored["SENTIMENT_SCORE"].notna()]
    ts = scored["INTERACTION_TS"]

    def per_customer(period: Selection, prefix: str) -> pd.DataFrame:
        part = scored[_between(ts, period.date_from, period.date_to)]
        stats = part.groupby("CUSTOMER_ID")["SENTIMENT_SCORE"].agg(["mean", "size"])
        return stats.rename(columns={"mean": f"{prefix}_SENTIMENT", "size": f"{prefix}_INTERACTIONS"})

    both = per_customer(sel.previous(), "PREVIOUS").join(per_customer(sel, "CURRENT"), how="inner")
    both = both[
        (both["PREVIOUS_INTERACTIONS"] >= MIN_INTERACTIONS)
        & (both["CURRENT_INTERACTIONS"] >= MIN_INTERACTIONS)
    ]
    both["CHANGE"] = both["CURRENT_SENTIMENT"] - both["PREVIOUS_SENTIMENT"]
    both = both[both["CURRENT_SENTIMENT"] < both["PREVIOUS_SENTIMENT"]].reset_index()
    signals = raw.keep_customers(raw.tables[SIGNALS], sel)[
        ["CUSTOMER_ID", "DERIVED_PERSONA", "VALUE_SEGMENT"]
    ]
    both = both.merge(signals, on="CUSTOMER_ID")
    return both.sort_values(["CHANGE", "CUSTOMER_ID"], kind="mergesort").head(100)


def ticket_category_growth(raw: Raw, sel: Selection) -> list[tuple[str, float | None]]:
    tickets = raw.rows(TICKETS, sel, dated=False)
    now = tickets[_between(tickets["CREATED_AT"], sel.date_from, sel.date_to)][
        "TICKET_CATEGORY"
    ].value_counts()
    prev_sel = sel.previous()
    before = tickets[_between(tickets["CREATED_AT"], prev_sel.date_from, prev_sel.date_to)]
    before = before["TICKET_CATEGORY"].value_counts()
    growth = {
        str(c): ((now.get(c, 0) - before[c]) / before[c] if before.get(c, 0) else None)
        for c in set(now.index) | set(before.index)
    }
    return sorted(growth.items(), key=lambda cg: (cg[1] is None, -(cg[1] or 0.0), cg[0]))


def latest_summaries(raw: Raw, sel: Selection) -> pd.DataFrame:
    seen = (
        raw.rows(INTERACTIONS, sel)
        .groupby("CUSTOMER_ID")["INTERACTION_TS"]
        .max()
        .rename("LAST_INTERACTION_AT")
    )
    frame = raw.tables[SUMMARIES].merge(seen.reset_index(), on="CUSTOMER_ID")
    frame = raw.keep_customers(frame, sel)
    frame = frame.sort_values(
        ["GENERATED_AT", "LAST_INTERACTION_AT", "CUSTOMER_ID"],
        ascending=[False, False, True],
        kind="mergesort",
    )
    return frame.head(50)


# --- Fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+region+channel", "range+value_segment+interaction_type")


@pytest.fixture(scope="module")
def selections(raw: Raw) -> dict[str, Selection]:
    """The filter sets, with values taken from the data (the most common of each), not written in."""
    t = raw.tables
    plain = Selection(RANGE_FROM, RANGE_TO)
    return {
        "range": plain,
        "range+region+channel": replace(
            plain,
            values=(
                ("region", (_most_common(t[BASE]["REGION"]),)),
                ("channel", (_most_common(t[INTERACTIONS]["CHANNEL"]),)),
            ),
        ),
        "range+value_segment+interaction_type": replace(
            plain,
            values=(
                ("value_segment", (_most_common(t[SIGNALS]["VALUE_SEGMENT"]),)),
                ("interaction_type", (_most_common(t[INTERACTIONS]["INTERACTION_TYPE"]),)),
            ),
        ),
    }


def assert_time(actual: str, expected: Any, what: str = "") -> None:
    assert pd.Timestamp(actual) == pd.Timestamp(expected), what


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


# --- The charts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
def test_what_changed_gives_each_measure_in_total_and_per_segment_for_both_periods(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "what_changed", sel.query())
    assert list(rows[0]) == [
        "PERIOD",
        "DATE_FROM",
        "DATE_TO",
        "METRIC",
        "SEGMENT_TYPE",
        "SEGMENT",
        "VALUE",
        "OBSERVATIONS",
    ]  # fmt: skip (FMT, how to format the value, is the builder's, not the CSV's)
    for period_name, period in (("current", sel), ("previous", sel.previous())):
        served = [r for r in rows if r["PERIOD"] == period_name]
        assert {(r["DATE_FROM"], r["DATE_TO"]) for r in served} == {
            (period.date_from.isoformat(), period.date_to.isoformat())
        }
        expected = what_changed(raw, period)
        assert [(r["METRIC"], r["SEGMENT_TYPE"], r["SEGMENT"]) for r in served] == [
            (m, k or "", s or "") for m, k, s, *_ in expected
        ]
        for row, (metric, kind, segment, value, observations, _fmt) in zip(served, expected, strict=True):
            what = f"{period_name} {metric} {kind} {segment}"
            assert_number(row["VALUE"], value, what)
            if observations is None:
                assert row["OBSERVATIONS"] == "", what
            else:
                assert_count(row["OBSERVATIONS"], observations, what)
    assert len({r["METRIC"] for r in rows}) == 6


@pytest.mark.parametrize("selection", SELECTIONS)
def test_high_value_customers_at_high_churn_risk_riskiest_first(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "high_value_at_risk", sel.query())
    expected = high_value_at_risk(raw, sel)
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    if selection != "range+value_segment+interaction_type":  # that segment is not High Value
        assert len(expected) > 0
    # Only customers one can still save: none has cancelled.
    active = raw.tables[BASE].set_index("CUSTOMER_ID")["IS_ACTIVE"].astype(bool)
    assert all(active[r["CUSTOMER_ID"]] for r in rows)
    assert not any(r["TOP_FACTOR"] == "Account cancelled" for r in rows)
    for row, (_, customer) in zip(rows, expected.iterrows(), strict=True):
        what = customer["CUSTOMER_ID"]
        for column in ("DERIVED_PERSONA", "REGION", "TOP_FACTOR", "RECOMMENDED_ACTION"):
            assert row[column] == _text(customer[column]), (what, column)
        assert_number(row["LIFETIME_VALUE"], customer["LIFETIME_VALUE"], what)
        assert_number(row["CHURN_RISK_SCORE"], customer["CHURN_RISK_SCORE"], what)
        assert row["LAST_PURCHASE_DATE"] == (
            ""
            if pd.isna(customer["LAST_PURCHASE_DATE"])
            else pd.Timestamp(customer["LAST_PURCHASE_DATE"]).date().isoformat()
        )
    if rows:
        assert list(rows[0]) == [
            "CUSTOMER_ID", "DERIVED_PERSONA", "REGION", "LIFETIME_VALUE", "CHURN_RISK_SCORE", "TOP_FACTOR",
            "LAST_PURCHASE_DATE", "RECOMMENDED_ACTION",
        ]  # fmt: skip


@pytest.mark.parametrize("selection", SELECTIONS)
def test_sentiment_drops_compare_each_customers_average_with_the_previous_period(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_drops", sel.query())
    expected = sentiment_drops(raw, sel)
    assert len(expected) > 0
    assert list(rows[0]) == [
        "CUSTOMER_ID", "DERIVED_PERSONA", "VALUE_SEGMENT", "PREVIOUS_INTERACTIONS", "PREVIOUS_SENTIMENT",
        "CURRENT_INTERACTIONS", "CURRENT_SENTIMENT", "CHANGE",
    ]  # fmt: skip
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    for row, (_, customer) in zip(rows, expected.iterrows(), strict=True):
        what = customer["CUSTOMER_ID"]
        assert (row["DERIVED_PERSONA"], row["VALUE_SEGMENT"]) == (
            customer["DERIVED_PERSONA"],
            customer["VALUE_SEGMENT"],
        )
        for column in ("PREVIOUS_INTERACTIONS", "CURRENT_INTERACTIONS"):
            assert_count(row[column], int(customer[column]), what)
            assert int(row[column]) >= MIN_INTERACTIONS
        for column in ("PREVIOUS_SENTIMENT", "CURRENT_SENTIMENT", "CHANGE"):
            assert_number(row[column], float(customer[column]), what)
        assert float(row["CHANGE"]) < 0


@pytest.mark.parametrize("selection", SELECTIONS)
def test_ticket_category_growth_is_the_change_against_the_previous_period_fastest_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "ticket_category_growth", sel.query())
    assert rows and list(rows[0]) == ["TICKET_CATEGORY", "GROWTH"]
    expected = ticket_category_growth(raw, sel)
    assert [r["TICKET_CATEGORY"] for r in rows] == [c for c, _ in expected]
    for row, (category, growth) in zip(rows, expected, strict=True):
        assert_number(row["GROWTH"], growth, category)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_latest_summaries_are_the_newest_of_customers_seen_in_the_period(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "latest_summaries", sel.query())
    assert rows and list(rows[0]) == [
        "CUSTOMER_ID", "GENERATED_AT", "LAST_INTERACTION_AT", "CUSTOMER_SUMMARY", "KEY_THEMES", "RECOMMENDED_ACTION",
    ]  # fmt: skip
    expected = latest_summaries(raw, sel)
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    for row, (_, summary) in zip(rows, expected.iterrows(), strict=True):
        what = summary["CUSTOMER_ID"]
        assert_time(row["GENERATED_AT"], summary["GENERATED_AT"], what)
        assert_time(row["LAST_INTERACTION_AT"], summary["LAST_INTERACTION_AT"], what)
        for column in ("CUSTOMER_SUMMARY", "KEY_THEMES", "RECOMMENDED_ACTION"):
            assert row[column] == _text(summary[column]), (what, column)


# --- Each chart draws --------------------------------------------------------------------------------


def test_what_changed_fragment_writes_sentences_that_name_the_largest_move(signed_in, raw, selections):
    sel = selections["range"]
    response = signed_in.get(f"/w/{SLUG}/chart/what_changed/?{sel.query()}")
    assert response.status_code == 200
    html = response.content.decode("utf-8")
    items = re.findall(r"<li>(.*?)</li>", html.split('class="narrative"', 1)[1], re.S)
    assert len(items) >= 3
    now = {r[0]: r[3] for r in what_changed(raw, sel) if r[1] is None}
    before = {r[0]: r[3] for r in what_changed(raw, sel.previous()) if r[1] is None}
    largest = max(now, key=lambda m: (abs((now[m] - before[m]) / before[m]), m))
    assert items[1].startswith(largest)


def test_ticket_category_growth_fragment_draws_horizontal_bars(signed_in, selections):
    response = signed_in.get(f"/w/{SLUG}/chart/ticket_category_growth/?{selections['range'].query()}")
    assert response.status_code == 200
    found = re.search(
        r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', response.content.decode(), re.S
    )
    assert found
    figure = json.loads(found.group(1))
    assert [(t["type"], t.get("orientation")) for t in figure["data"]] == [("bar", "h")]


@pytest.mark.parametrize("chart_id", ["high_value_at_risk", "sentiment_drops", "latest_summaries"])
def test_each_customer_table_links_its_customers_to_the_customer_page(signed_in, selections, chart_id):
    query = selections["range"].query()
    first = get_csv(signed_in, chart_id, query)[0]["CUSTOMER_ID"]
    response = signed_in.get(f"/w/{SLUG}/chart/{chart_id}/?{query}")
    assert response.status_code == 200
    assert re.search(rf'<a [^>]*href="[^"]*{first}[^"]*"', response.content.decode("utf-8"))
