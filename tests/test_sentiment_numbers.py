"""Every Sentiment & Experience number against an independent computation from the warehouse file.

The portal compiles its SQL files, filters them and serves each chart's rows as CSV. Here the same
numbers are computed from the tables with pandas alone (no SQL file, no query compiler), from the
definition each SQL file states in its comment and the filter contract (WAREHOUSE.md, the compiler's
docstring), then compared: exactly for counts, labels and periods, within 1e-9 for floats.
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

SLUG = "sentiment"
get_csv = partial(csv_rows, SLUG)
DAY = dt.timedelta(days=1)
RANGE_FROM, RANGE_TO = dt.date(2026, 3, 1), dt.date(2026, 5, 31)

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
INTERACTIONS = "FACT_CUSTOMER_INTERACTIONS"
REVIEWS = "FACT_PRODUCT_REVIEWS"
TICKETS = "FACT_SUPPORT_TICKETS"
SCORED = "SENTIMENT_ANALYSIS"
TRENDS = "SENTIMENT_TRENDS"

# The contract, restated here on purpose rather than imported from dashboards.warehouse.tables.
TIME_COLUMN = {
    INTERACTIONS: "INTERACTION_TS",
    REVIEWS: "REVIEW_TS",
    TICKETS: "CREATED_AT",
    SCORED: "SENTIMENT_TS",
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
    "channel": {INTERACTIONS: "CHANNEL", TICKETS: "CHANNEL"},
    "language": {REVIEWS: "REVIEW_LANGUAGE"},
}
GRAINS = ("hour", "day", "week", "month")


# --- What a request selects --------------------------------------------------------------------


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
                for name in (BASE, SIGNALS, INTERACTIONS, REVIEWS, TICKETS, SCORED, TRENDS)
            }
        finally:
            con.close()
        for table, column in TIME_COLUMN.items():
            self.tables[table][column] = pd.to_datetime(self.tables[table][column])

    def keep_customers(self, frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
        for name, values in sel.values:
            if name in CUSTOMER_FILTERS:
                source, column = CUSTOMER_FILTERS[name]
                attrs = self.tables[source]
                frame = frame[frame["CUSTOMER_ID"].isin(attrs.loc[attrs[column].isin(values), "CUSTOMER_ID"])]
        return frame

    def rows(self, table: str, sel: Selection) -> pd.DataFrame:
        """The rows of `table` the selection keeps: date range, row filters, customer filters."""
        frame = self.tables[table]
        if table in TIME_COLUMN:
            ts = frame[TIME_COLUMN[table]]
            frame = frame[(ts >= pd.Timestamp(sel.date_from)) & (ts < pd.Timestamp(sel.date_to + DAY))]
        for name, values in sel.values:
            column = ROW_FILTERS.get(name, {}).get(table)
            if column:
                frame = frame[frame[column].isin(values)]
        return self.keep_customers(frame, sel)


def _value(x: Any) -> Any:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return x.item() if isinstance(x, np.generic) else x


def period_of(ts: pd.Series, grain: str) -> pd.Series:
    """The start of the hour, day, Monday week or calendar month each timestamp falls in."""
    if grain == "hour":
        return ts.dt.floor("h")
    day = ts.dt.normalize()
    if grain == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if grain == "month":
        return day - pd.to_timedelta(day.dt.day - 1, unit="D")
    return day


def tenth_bin(scores: pd.Series) -> pd.Series:
    """The 0.1-wide bin (its start, in tenths) of scores given to three decimals; 1.0 goes to 0.9.

    Computed in whole thousandths, so no floating-point edge case can move a score between bins.
    """
    milli = (scores * 1000).round().astype(int)
    assert ((scores * 1000 - milli).abs() < 1e-6).all(), "scores carry three decimals"
    return (milli // 100).clip(upper=9)


# --- The independent computations -----------------------------------------------------------------


def sentiment_by_source(raw: Raw, sel: Selection, grain: str) -> list[tuple[pd.Timestamp, str, float]]:
    frame = raw.rows(SCORED, sel)
    means = frame.groupby([period_of(frame["SENTIMENT_TS"], grain), "SOURCE_TYPE"])["SENTIMENT_SCORE"].mean()
    return [(period, source, float(v)) for (period, source), v in means.sort_index().items()]


def distribution_by_source(raw: Raw, sel: Selection) -> list[tuple[int, str, float]]:
    frame = raw.rows(SCORED, sel)
    counts = frame.groupby([tenth_bin(frame["SENTIMENT_SCORE"]), "SOURCE_TYPE"]).size()
    totals = frame.groupby("SOURCE_TYPE").size()
    return [(int(b), source, n / totals[source]) for (b, source), n in counts.sort_index().items()]


def by_type_and_channel(raw: Raw, sel: Selection) -> list[tuple[str, str, float | None]]:
    means = raw.rows(INTERACTIONS, sel).groupby(["INTERACTION_TYPE", "CHANNEL"])["SENTIMENT_SCORE"].mean()
    return [(kind, channel, _value(v)) for (kind, channel), v in means.sort_index().items()]


def sentiment_vs_tickets(raw: Raw, sel: Selection, grain: str) -> pd.DataFrame:
    interactions = raw.rows(INTERACTIONS, sel)
    tickets = raw.rows(TICKETS, sel)
    sentiment = interactions.groupby(period_of(interactions["INTERACTION_TS"], grain))[
        "SENTIMENT_SCORE"
    ].mean()
    created = tickets.groupby(period_of(tickets["CREATED_AT"], grain)).size()
    both = pd.concat([sentiment.rename("AVG_SENTIMENT"), created.rename("TICKETS")], axis=1, sort=True)
    both["TICKETS"] = both["TICKETS"].fillna(0).astype(int)
    return both


def volatility_vs_trend(raw: Raw, sel: Selection) -> pd.DataFrame:
    trends = raw.keep_customers(raw.tables[TRENDS], sel)
    trends = trends[trends["OBSERVATIONS"] >= 5]
    ordered = trends.sort_values(["OBSERVATIONS", "CUSTOMER_ID"], ascending=[False, True], kind="mergesort")
    return ordered.head(2000)


def by_interaction_type(raw: Raw, sel: Selection) -> list[tuple[str, float]]:
    means = raw.rows(INTERACTIONS, sel).groupby("INTERACTION_TYPE")["SENTIMENT_SCORE"].mean()
    return sorted(((str(k), float(v)) for k, v in means.items()), key=lambda kv: (-kv[1], kv[0]))


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+persona+channel", "range+region+interaction_type")


@pytest.fixture(scope="module")
def selections(raw: Raw) -> dict[str, Selection]:
    """The filter sets, with values taken from the data (the most common of each), not written in."""
    t = raw.tables
    plain = Selection(RANGE_FROM, RANGE_TO)
    persona = _most_common(t[SIGNALS]["DERIVED_PERSONA"])
    channel = _most_common(t[INTERACTIONS]["CHANNEL"])
    region = _most_common(t[BASE]["REGION"])
    kind = _most_common(t[INTERACTIONS]["INTERACTION_TYPE"])
    return {
        "range": plain,
        "range+persona+channel": replace(plain, values=(("persona", (persona,)), ("channel", (channel,)))),
        "range+region+interaction_type": replace(
            plain, values=(("region", (region,)), ("interaction_type", (kind,)))
        ),
    }


def test_every_filter_set_leaves_rows_in_each_table_the_workspace_reads(raw, selections):
    """Otherwise the comparisons below would compare empty results and prove little."""
    for name, sel in selections.items():
        for table in (INTERACTIONS, TICKETS, SCORED):
            assert len(raw.rows(table, sel)) >= 20, (name, table)
        assert len(volatility_vs_trend(raw, sel)) >= 20, name
        assert set(raw.rows(SCORED, sel)["SOURCE_TYPE"]) == {"interaction", "review", "ticket"}, name


# --- Reading what the portal serves ------------------------------------------------------------------


def timestamp(text: str) -> pd.Timestamp:
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text), f"{text!r} is not a timestamp"
    return pd.Timestamp(text)


# --- The charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("grain", GRAINS)
def test_sentiment_by_source_averages_each_sources_scores_per_hour_day_monday_week_or_month(
    signed_in, raw, selections, grain, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_by_source", sel.query(grain=grain))
    assert list(rows[0]) == ["PERIOD", "SOURCE_TYPE", "AVG_SENTIMENT"]
    expected = sentiment_by_source(raw, sel, grain)
    assert [(timestamp(r["PERIOD"]), r["SOURCE_TYPE"]) for r in rows] == [(p, s) for p, s, _ in expected]
    for row, (period, source, mean) in zip(rows, expected, strict=True):
        assert_number(row["AVG_SENTIMENT"], mean, f"{grain} {period} {source}")
    if grain == "hour":
        assert len({p for p, _, _ in expected}) > 24 * 30, "hours stay hours"


@pytest.mark.parametrize("selection", SELECTIONS)
def test_sentiment_distribution_gives_each_sources_share_of_texts_per_tenth_of_the_scale(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_distribution_by_source", sel.query())
    assert list(rows[0]) == ["SENTIMENT_FROM", "SOURCE_TYPE", "SHARE"]
    expected = distribution_by_source(raw, sel)
    assert [(round(float(r["SENTIMENT_FROM"]) * 10), r["SOURCE_TYPE"]) for r in rows] == [
        (b, s) for b, s, _ in expected
    ]
    for row, (tenths, source, share) in zip(rows, expected, strict=True):
        assert float(row["SENTIMENT_FROM"]) == pytest.approx(tenths / 10, abs=1e-9)
        assert_number(row["SHARE"], share, f"{source} from {tenths / 10}")
    for source in {s for _, s, _ in expected}:
        assert sum(float(r["SHARE"]) for r in rows if r["SOURCE_TYPE"] == source) == pytest.approx(1)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_heatmap_averages_interaction_sentiment_per_interaction_type_and_channel(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_by_type_channel", sel.query())
    assert list(rows[0]) == ["INTERACTION_TYPE", "CHANNEL", "AVG_SENTIMENT"]
    expected = by_type_and_channel(raw, sel)
    assert [(r["INTERACTION_TYPE"], r["CHANNEL"]) for r in rows] == [(k, c) for k, c, _ in expected]
    for row, (kind, channel, mean) in zip(rows, expected, strict=True):
        assert_number(row["AVG_SENTIMENT"], mean, f"{kind} {channel}")


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("grain", GRAINS)
def test_sentiment_against_tickets_pairs_each_periods_mean_sentiment_with_its_ticket_count(
    signed_in, raw, selections, grain, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_vs_tickets", sel.query(grain=grain))
    assert list(rows[0]) == ["PERIOD", "AVG_SENTIMENT", "TICKETS"]
    expected = sentiment_vs_tickets(raw, sel, grain)
    assert [timestamp(r["PERIOD"]) for r in rows] == list(expected.index)
    for row, (period, want) in zip(rows, expected.iterrows(), strict=True):
        assert_number(row["AVG_SENTIMENT"], _value(want["AVG_SENTIMENT"]), f"{grain} {period}")
        assert_count(row["TICKETS"], int(want["TICKETS"]), f"{grain} {period}")
    assert sum(int(r["TICKETS"]) for r in rows) == len(raw.rows(TICKETS, sel))


@pytest.mark.parametrize("selection", SELECTIONS)
def test_volatility_against_trend_shows_the_2000_customers_with_most_scored_texts_of_at_least_5(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "volatility_vs_trend", sel.query())
    assert list(rows[0]) == [
        "CUSTOMER_ID",
        "SENTIMENT_TREND",
        "SENTIMENT_VOLATILITY",
        "OVERALL_SENTIMENT",
        "OBSERVATIONS",
    ]
    expected = volatility_vs_trend(raw, sel)
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        what = want["CUSTOMER_ID"]
        assert_number(row["SENTIMENT_TREND"], float(want["SENTIMENT_TREND"]), what)
        assert_number(row["SENTIMENT_VOLATILITY"], float(want["SENTIMENT_VOLATILITY"]), what)
        assert row["OVERALL_SENTIMENT"] == want["OVERALL_SENTIMENT"], what
        assert_count(row["OBSERVATIONS"], int(want["OBSERVATIONS"]), what)


def test_volatility_against_trend_ignores_the_date_range_and_says_so(signed_in, raw, selections):
    """The per-customer table spans each customer's whole history, so other dates give the same rows."""
    sel = selections["range"]
    other = replace(sel, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 1, 31))
    assert get_csv(signed_in, "volatility_vs_trend", sel.query()) == get_csv(
        signed_in, "volatility_vs_trend", other.query()
    )
    response = signed_in.get(f"/w/{SLUG}/chart/volatility_vs_trend/?{sel.query()}")
    assert "Not limited by: Date range" in response.content.decode("utf-8")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_average_sentiment_per_interaction_type_is_ordered_most_positive_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_by_interaction_type", sel.query())
    assert list(rows[0]) == ["INTERACTION_TYPE", "AVG_SENTIMENT"]
    expected = by_interaction_type(raw, sel)
    assert [r["INTERACTION_TYPE"] for r in rows] == [k for k, _ in expected]
    for row, (kind, mean) in zip(rows, expected, strict=True):
        assert_number(row["AVG_SENTIMENT"], mean, kind)


def test_a_row_filter_on_scored_texts_is_reported_as_not_applied(signed_in, selections):
    """Scored texts carry no channel: the chart says the channel filter does not limit it."""
    query = selections["range+persona+channel"].query()
    response = signed_in.get(f"/w/{SLUG}/chart/sentiment_by_source/?{query}")
    assert response.status_code == 200
    assert re.search(r"Not limited by:[^<]*Channel", response.content.decode("utf-8"))


# --- The figures -----------------------------------------------------------------------------------

TRACE_TYPES = {
    "sentiment_by_source": {"scatter", "scattergl"},
    "sentiment_distribution_by_source": {"bar"},
    "sentiment_by_type_channel": {"heatmap"},
    "sentiment_vs_tickets": {"scatter", "scattergl"},
    "volatility_vs_trend": {"scatter", "scattergl"},
    "sentiment_by_interaction_type": {"bar"},
}


def figure_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the fragment holds a figure"
    return json.loads(found.group(1))


def test_the_workspace_page_lists_every_chart(signed_in, selections):
    response = signed_in.get(f"/w/{SLUG}/?{selections['range'].query()}")
    assert response.status_code == 200
    html = response.content.decode("utf-8")
    for chart_id in TRACE_TYPES:
        assert f"/w/{SLUG}/chart/{chart_id}/" in html


@pytest.mark.parametrize("chart_id", list(TRACE_TYPES))
def test_each_chart_draws_a_figure_of_its_kind(signed_in, selections, chart_id):
    query = selections["range"].query(grain="week")
    response = signed_in.get(f"/w/{SLUG}/chart/{chart_id}/?{query}")
    assert response.status_code == 200
    figure = figure_of(response.content.decode("utf-8"))
    types = {trace.get("type", "scatter") for trace in figure["data"]}
    assert types and types <= TRACE_TYPES[chart_id], types


def test_one_line_per_source_so_the_legend_toggles_sources(signed_in, raw, selections):
    response = signed_in.get(f"/w/{SLUG}/chart/sentiment_by_source/?{selections['range'].query()}")
    figure = figure_of(response.content.decode("utf-8"))
    assert sorted(trace["name"] for trace in figure["data"]) == sorted(
        raw.tables[SCORED]["SOURCE_TYPE"].unique()
    )


def test_ticket_volume_is_drawn_on_a_second_axis(signed_in, selections):
    response = signed_in.get(f"/w/{SLUG}/chart/sentiment_vs_tickets/?{selections['range'].query()}")
    figure = figure_of(response.content.decode("utf-8"))
    assert {trace.get("yaxis", "y") for trace in figure["data"]} == {"y", "y2"}
    assert "yaxis2" in figure["layout"]
