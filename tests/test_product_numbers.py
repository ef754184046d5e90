"""Every Product Feedback number against an independent computation from the warehouse file.

The portal compiles its SQL files, filters them and serves each chart's rows as CSV. Here the same
numbers are computed from the tables with pandas alone (no SQL file, no query compiler), from the
definition each SQL file states in its comment and the filter contract (WAREHOUSE.md, the compiler's
docstring), then compared: exactly for counts, labels, periods and texts, within 1e-9 for floats.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.numbers import Selection, assert_count, assert_number, csv_rows

SLUG = "product"
get_csv = partial(csv_rows, SLUG)
DAY = dt.timedelta(days=1)
RANGE_FROM, RANGE_TO = dt.date(2026, 3, 1), dt.date(2026, 5, 31)

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
REVIEWS = "FACT_PRODUCT_REVIEWS"
TRANSACTIONS = "FACT_TRANSACTIONS"
PRODUCTS = "DIM_PRODUCT"

# The contract, restated here on purpose rather than imported from dashboards.warehouse.tables.
TIME_COLUMN = {REVIEWS: "REVIEW_TS", TRANSACTIONS: "TRANSACTION_TS"}
CUSTOMER_FILTERS = {
    "persona": (SIGNALS, "DERIVED_PERSONA"),
    "value_segment": (SIGNALS, "VALUE_SEGMENT"),
    "churn_risk": (SIGNALS, "CHURN_RISK"),
    "upsell": (SIGNALS, "UPSELL_OPPORTUNITY"),
    "region": (BASE, "REGION"),
}
ROW_FILTERS = {
    "channel": {TRANSACTIONS: "CHANNEL"},
    "language": {REVIEWS: "REVIEW_LANGUAGE"},
}
GRAINS = ("hour", "day", "week", "month")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell starting so is prefixed with a quote


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
                for name in (BASE, SIGNALS, REVIEWS, TRANSACTIONS, PRODUCTS)
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


def reviews(raw: Raw, sel: Selection) -> pd.DataFrame:
    frame = raw.rows(REVIEWS, sel).copy()
    frame["REVIEW_RATING"] = frame["REVIEW_RATING"].astype(float)
    return frame


def kpi_reviews(raw: Raw, sel: Selection) -> int:
    return len(raw.rows(REVIEWS, sel))


def kpi_rating_sentiment_r(raw: Raw, sel: Selection) -> float | None:
    frame = reviews(raw, sel).dropna(subset=["REVIEW_RATING", "SENTIMENT_SCORE"])
    if len(frame) < 2:
        return None
    return _value(float(np.corrcoef(frame["REVIEW_RATING"], frame["SENTIMENT_SCORE"])[0, 1]))


KPIS: dict[str, Callable[[Raw, Selection], Any]] = {
    f.__name__: f for f in (kpi_reviews, kpi_rating_sentiment_r)
}


def rating_histogram(raw: Raw, sel: Selection) -> list[tuple[int, int]]:
    counts = raw.rows(REVIEWS, sel).groupby("REVIEW_RATING").size().sort_index()
    return [(int(rating), int(n)) for rating, n in counts.items()]


def rating_vs_sentiment(raw: Raw, sel: Selection) -> list[tuple[int, int, int]]:
    """(rating, sentiment bin in tenths, reviews), by rating then bin."""
    frame = raw.rows(REVIEWS, sel)
    frame = frame[frame["SENTIMENT_SCORE"].notna()]
    counts = frame.groupby([frame["REVIEW_RATING"], tenth_bin(frame["SENTIMENT_SCORE"])]).size().sort_index()
    return [(int(rating), int(b), int(n)) for (rating, b), n in counts.items()]


def review_volume(raw: Raw, sel: Selection, grain: str) -> list[tuple[pd.Timestamp, int]]:
    frame = raw.rows(REVIEWS, sel)
    counts = frame.groupby(period_of(frame["REVIEW_TS"], grain)).size().sort_index()
    return [(period, int(n)) for period, n in counts.items()]


def rating_trend(raw: Raw, sel: Selection, grain: str) -> list[tuple[pd.Timestamp, float]]:
    frame = reviews(raw, sel)
    means = frame.groupby(period_of(frame["REVIEW_TS"], grain))["REVIEW_RATING"].mean().sort_index()
    return [(period, float(v)) for period, v in means.items()]


def per_language(raw: Raw, sel: Selection) -> pd.DataFrame:
    frame = reviews(raw, sel)
    return frame.groupby("REVIEW_LANGUAGE").agg(
        REVIEWS=("REVIEW_ID", "size"),
        AVG_RATING=("REVIEW_RATING", "mean"),
        AVG_SENTIMENT=("SENTIMENT_SCORE", "mean"),
    )


def language_radar(raw: Raw, sel: Selection) -> list[tuple[str, str, float | None]]:
    """(language, measure, value in 0..1), by measure then language."""
    langs = per_language(raw, sel)
    scaled = {
        "Average rating": (langs["AVG_RATING"] - 1) / 4,
        "Average sentiment": (langs["AVG_SENTIMENT"] + 1) / 2,
        "Share of reviews": langs["REVIEWS"] / langs["REVIEWS"].sum(),
    }
    return [
        (str(language), measure, _value(values[language]))
        for measure, values in sorted(scaled.items())
        for language in sorted(langs.index)
    ]


def language_volume_sentiment(raw: Raw, sel: Selection) -> list[tuple[str, int, float | None]]:
    langs = per_language(raw, sel)
    rows = [(str(lang), int(row["REVIEWS"]), _value(row["AVG_SENTIMENT"])) for lang, row in langs.iterrows()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def product_sentiment(raw: Raw, sel: Selection) -> pd.DataFrame:
    frame = reviews(raw, sel).merge(raw.tables[PRODUCTS], on="PRODUCT_ID", how="inner")
    per_product = frame.groupby(["PRODUCT_ID", "PRODUCT_NAME", "CATEGORY"], as_index=False).agg(
        AVG_RATING=("REVIEW_RATING", "mean"),
        AVG_SENTIMENT=("SENTIMENT_SCORE", "mean"),
        REVIEWS=("REVIEW_ID", "size"),
    )
    return per_product.sort_values(["CATEGORY", "PRODUCT_NAME", "PRODUCT_ID"], kind="mergesort")


def category_revenue_units(raw: Raw, sel: Selection) -> list[tuple[str, float, int]]:
    tx = raw.rows(TRANSACTIONS, sel)
    tx = tx[tx["STATUS"] == "completed"].merge(raw.tables[PRODUCTS], on="PRODUCT_ID", how="inner")
    sums = tx.assign(AMOUNT=tx["AMOUNT"].astype(float)).groupby("CATEGORY")[["AMOUNT", "QUANTITY"]].sum()
    rows = [(str(c), float(r["AMOUNT"]), int(r["QUANTITY"])) for c, r in sums.iterrows()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def review_samples(raw: Raw, sel: Selection) -> pd.DataFrame:
    frame = raw.rows(REVIEWS, sel).merge(
        raw.tables[PRODUCTS][["PRODUCT_ID", "PRODUCT_NAME"]], on="PRODUCT_ID", how="left"
    )
    ordered = frame.sort_values(["REVIEW_TS", "REVIEW_ID"], ascending=[False, False], kind="mergesort")
    return ordered.head(100)


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+persona+language", "range+region+channel")


@pytest.fixture(scope="module")
def selections(raw: Raw) -> dict[str, Selection]:
    """The filter sets, with values taken from the data (the most common of each), not written in."""
    t = raw.tables
    plain = Selection(RANGE_FROM, RANGE_TO)
    persona = _most_common(t[SIGNALS]["DERIVED_PERSONA"])
    language = _most_common(t[REVIEWS]["REVIEW_LANGUAGE"])
    region = _most_common(t[BASE]["REGION"])
    channel = _most_common(t[TRANSACTIONS]["CHANNEL"])
    return {
        "range": plain,
        "range+persona+language": replace(plain, values=(("persona", (persona,)), ("language", (language,)))),
        "range+region+channel": replace(plain, values=(("region", (region,)), ("channel", (channel,)))),
    }


def test_every_filter_set_leaves_rows_in_each_table_the_workspace_reads(raw, selections):
    """Otherwise the comparisons below would compare empty results and prove little."""
    for name, sel in selections.items():
        for period in (sel, sel.previous()):
            assert len(raw.rows(REVIEWS, period)) >= 100, (name, period)
            assert len(raw.rows(TRANSACTIONS, period)) >= 100, (name, period)
    assert raw.rows(REVIEWS, selections["range"])["REVIEW_LANGUAGE"].nunique() >= 3


# --- Reading what the portal serves ------------------------------------------------------------------


def timestamp(text: str) -> pd.Timestamp:
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", text), f"{text!r} is not a timestamp"
    return pd.Timestamp(text)


def as_csv_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


# --- KPIs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("kpi", list(KPIS))
def test_each_kpi_equals_the_pandas_value_for_the_period_and_the_previous_one(
    signed_in, raw, selections, kpi, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, kpi, sel.query())
    assert list(rows[0]) == ["PERIOD", "DATE_FROM", "DATE_TO", "VALUE"]
    assert [r["PERIOD"] for r in rows] == ["current", "previous"]
    for row, period in zip(rows, (sel, sel.previous()), strict=True):
        assert (row["DATE_FROM"], row["DATE_TO"]) == (
            period.date_from.isoformat(),
            period.date_to.isoformat(),
        )
        expected = KPIS[kpi](raw, period)
        what = f"{kpi} {row['PERIOD']}"
        if kpi == "kpi_reviews":
            assert_count(row["VALUE"], expected, what)
        else:
            assert_number(row["VALUE"], expected, what)


def test_rating_and_sentiment_correlate_as_the_contract_promises(raw, selections):
    """WAREHOUSE.md: Pearson r about 0.6 to 0.8, so the card shows a real agreement."""
    assert 0.5 <= kpi_rating_sentiment_r(raw, selections["range"]) <= 0.9


# --- Ratings tab ------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
def test_rating_histogram_counts_reviews_per_star(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "rating_histogram", sel.query())
    assert list(rows[0]) == ["REVIEW_RATING", "REVIEWS"]
    expected = rating_histogram(raw, sel)
    assert [int(r["REVIEW_RATING"]) for r in rows] == [rating for rating, _ in expected]
    for row, (rating, n) in zip(rows, expected, strict=True):
        assert_count(row["REVIEWS"], n, f"{rating} stars")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_rating_against_sentiment_counts_reviews_per_star_and_tenth_of_sentiment(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "rating_vs_sentiment", sel.query())
    assert list(rows[0]) == ["REVIEW_RATING", "SENTIMENT_MID", "REVIEWS"]
    expected = rating_vs_sentiment(raw, sel)
    assert len(rows) == len(expected)
    for row, (rating, tenths, n) in zip(rows, expected, strict=True):
        assert_count(row["REVIEW_RATING"], rating)
        assert_number(row["SENTIMENT_MID"], tenths / 10 + 0.05, f"{rating} stars, bin {tenths}")
        assert_count(row["REVIEWS"], n, f"{rating} stars, bin {tenths}")
    assert sum(int(r["REVIEWS"]) for r in rows) == int(
        raw.rows(REVIEWS, sel)["SENTIMENT_SCORE"].notna().sum()
    )


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("grain", GRAINS)
def test_review_volume_counts_reviews_per_hour_day_monday_week_or_month(
    signed_in, raw, selections, grain, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "review_volume", sel.query(grain=grain))
    assert list(rows[0]) == ["PERIOD", "REVIEWS"]
    expected = review_volume(raw, sel, grain)
    assert [timestamp(r["PERIOD"]) for r in rows] == [p for p, _ in expected]
    for row, (period, n) in zip(rows, expected, strict=True):
        assert_count(row["REVIEWS"], n, f"{grain} {period}")


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("grain", GRAINS)
def test_rating_trend_averages_ratings_per_hour_day_monday_week_or_month(
    signed_in, raw, selections, grain, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "rating_trend", sel.query(grain=grain))
    assert list(rows[0]) == ["PERIOD", "AVG_RATING"]
    expected = rating_trend(raw, sel, grain)
    assert [timestamp(r["PERIOD"]) for r in rows] == [p for p, _ in expected]
    for row, (period, mean) in zip(rows, expected, strict=True):
        assert_number(row["AVG_RATING"], mean, f"{grain} {period}")


# --- Languages tab ----------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
def test_language_radar_scales_rating_sentiment_and_share_to_one_axis(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "language_radar", sel.query())
    assert list(rows[0]) == ["REVIEW_LANGUAGE", "MEASURE", "VALUE"]
    expected = language_radar(raw, sel)
    assert [(r["REVIEW_LANGUAGE"], r["MEASURE"]) for r in rows] == [(lang, m) for lang, m, _ in expected]
    for row, (language, measure, value) in zip(rows, expected, strict=True):
        assert_number(row["VALUE"], value, f"{language} {measure}")
        assert 0 <= float(row["VALUE"]) <= 1
    shares = [float(r["VALUE"]) for r in rows if r["MEASURE"] == "Share of reviews"]
    assert sum(shares) == pytest.approx(1)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_language_volume_and_sentiment_are_counted_and_averaged_per_language_most_reviewed_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "language_volume_sentiment", sel.query())
    assert list(rows[0]) == ["REVIEW_LANGUAGE", "REVIEWS", "AVG_SENTIMENT"]
    expected = language_volume_sentiment(raw, sel)
    assert [r["REVIEW_LANGUAGE"] for r in rows] == [lang for lang, _, _ in expected]
    for row, (language, n, mean) in zip(rows, expected, strict=True):
        assert_count(row["REVIEWS"], n, language)
        assert_number(row["AVG_SENTIMENT"], mean, language)


# --- Products tab -----------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
def test_product_bubbles_give_each_reviewed_products_rating_sentiment_and_review_count(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "product_sentiment", sel.query())
    assert list(rows[0]) == ["PRODUCT_NAME", "CATEGORY", "AVG_RATING", "AVG_SENTIMENT", "REVIEWS"]
    expected = product_sentiment(raw, sel)
    assert [(r["CATEGORY"], r["PRODUCT_NAME"]) for r in rows] == list(
        zip(expected["CATEGORY"], expected["PRODUCT_NAME"], strict=True)
    )
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        what = want["PRODUCT_NAME"]
        assert_number(row["AVG_RATING"], float(want["AVG_RATING"]), what)
        assert_number(row["AVG_SENTIMENT"], _value(want["AVG_SENTIMENT"]), what)
        assert_count(row["REVIEWS"], int(want["REVIEWS"]), what)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_category_revenue_and_units_sum_completed_purchases_highest_revenue_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "category_revenue_units", sel.query())
    assert list(rows[0]) == ["CATEGORY", "REVENUE", "UNITS"]
    expected = category_revenue_units(raw, sel)
    assert [r["CATEGORY"] for r in rows] == [c for c, _, _ in expected]
    for row, (category, revenue, units) in zip(rows, expected, strict=True):
        assert_number(row["REVENUE"], revenue, category)
        assert_count(row["UNITS"], units, category)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_review_samples_are_the_100_latest_reviews_with_text_translation_rating_and_sentiment(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "review_samples", sel.query())
    assert list(rows[0]) == [
        "REVIEW_TS",
        "CUSTOMER_ID",
        "PRODUCT_NAME",
        "REVIEW_LANGUAGE",
        "REVIEW_RATING",
        "SENTIMENT_SCORE",
        "REVIEW_TEXT",
        "REVIEW_TEXT_ENGLISH",
    ]
    expected = review_samples(raw, sel)
    assert len(rows) == len(expected) == 100
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        what = f"review {want['REVIEW_ID']}"
        assert timestamp(row["REVIEW_TS"]) == want["REVIEW_TS"], what
        for column in (
            "CUSTOMER_ID",
            "PRODUCT_NAME",
            "REVIEW_LANGUAGE",
            "REVIEW_TEXT",
            "REVIEW_TEXT_ENGLISH",
        ):
            assert row[column] == as_csv_text(want[column]), f"{what} {column}"
        assert_count(row["REVIEW_RATING"], int(want["REVIEW_RATING"]), what)
        assert_number(row["SENTIMENT_SCORE"], _value(want["SENTIMENT_SCORE"]), what)
    assert any(r["REVIEW_TEXT"] != r["REVIEW_TEXT_ENGLISH"] for r in rows) or sel.values


# --- The page, the tabs and the figures --------------------------------------------------------------

TRACE_TYPES = {
    "rating_histogram": {"bar"},
    "rating_vs_sentiment": {"scatter", "scattergl"},
    "review_volume": {"scatter"},
    "rating_trend": {"scatter", "scattergl"},
    "language_radar": {"scatterpolar"},
    "language_volume_sentiment": {"bar", "scatter"},
    "product_sentiment": {"scatter", "scattergl"},
    "category_revenue_units": {"bar", "scatter"},
}
TABS = {
    "Ratings": ("rating_histogram", "rating_vs_sentiment", "review_volume", "rating_trend"),
    "Languages": ("language_radar", "language_volume_sentiment"),
    "Products": ("product_sentiment", "category_revenue_units", "review_samples"),
}


def figure_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the fragment holds a figure"
    return json.loads(found.group(1))


@pytest.mark.parametrize("tab", list(TABS))
def test_each_tab_of_the_page_shows_its_charts_and_the_cards(signed_in, selections, tab):
    response = signed_in.get(f"/w/{SLUG}/?{selections['range'].query(tab=tab)}")
    assert response.status_code == 200
    html = response.content.decode("utf-8")
    for chart_id in TABS[tab]:
        assert f"/w/{SLUG}/chart/{chart_id}/" in html, chart_id
    for other, charts in TABS.items():
        if other != tab:
            for chart_id in charts:
                assert f"/w/{SLUG}/chart/{chart_id}/" not in html, chart_id


@pytest.mark.parametrize("chart_id", list(TRACE_TYPES))
def test_each_chart_draws_a_figure_of_its_kind(signed_in, selections, chart_id):
    response = signed_in.get(f"/w/{SLUG}/chart/{chart_id}/?{selections['range'].query(grain='week')}")
    assert response.status_code == 200
    figure = figure_of(response.content.decode("utf-8"))
    types = {trace.get("type", "scatter") for trace in figure["data"]}
    assert types and types <= TRACE_TYPES[chart_id], types


@pytest.mark.parametrize("chart_id", ["language_volume_sentiment", "category_revenue_units"])
def test_the_second_measure_is_drawn_on_a_second_axis(signed_in, selections, chart_id):
    response = signed_in.get(f"/w/{SLUG}/chart/{chart_id}/?{selections['range'].query()}")
    figure = figure_of(response.content.decode("utf-8"))
    assert {trace.get("yaxis", "y") for trace in figure["data"]} == {"y", "y2"}
    assert "yaxis2" in figure["layout"]


def test_product_bubbles_are_sized_by_reviews_and_named_in_the_hover(signed_in, raw, selections):
    response = signed_in.get(f"/w/{SLUG}/chart/product_sentiment/?{selections['range'].query()}")
    html = response.content.decode("utf-8")
    figure = figure_of(html)
    assert all(isinstance(trace["marker"]["size"], list) for trace in figure["data"])
    names = set(product_sentiment(raw, selections["range"])["PRODUCT_NAME"])
    assert names and all(name in json.dumps(figure) for name in names)


def test_review_samples_are_a_table_paged_ten_at_a_time(signed_in, selections):
    response = signed_in.get(f"/w/{SLUG}/chart/review_samples/?{selections['range'].query()}")
    assert response.status_code == 200
    html = response.content.decode("utf-8")
    assert "<table" in html
    assert re.search(r"data-page-size=\"10\"|page.?size[^>]*10", html), "paged ten at a time"
