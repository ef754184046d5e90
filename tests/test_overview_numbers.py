"""Every Overview number against an independent computation, straight from the warehouse file.

The portal compiles its SQL files, filters them and serves each chart's rows as CSV. Here the same
numbers are computed from the raw tables with pandas alone (no SQL file, no query compiler), from the
definition each SQL file states in its comment and the filter contract (WAREHOUSE.md, the compiler's
docstring), then compared: exactly for counts and labels, within 1e-9 for floats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.numbers import Selection, assert_count, assert_number, unfolded

DAY = dt.timedelta(days=1)
RANGE_FROM, RANGE_TO = dt.date(2026, 3, 1), dt.date(2026, 5, 31)

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
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
                for name in (BASE, SIGNALS, CHURN, INTERACTIONS, REVIEWS, TICKETS, TRANSACTIONS)
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
            frame = frame[(ts >= pd.Timestamp(sel.date_from)) & (ts < pd.Timestamp(sel.date_to + DAY))]
        for name, values in sel.values:
            column = ROW_FILTERS.get(name, {}).get(table)
            if column:
                frame = frame[frame[column].isin(values)]
        return self.keep_customers(frame, sel)

    @property
    def last_interaction_day(self) -> dt.date:
        return self.tables[INTERACTIONS]["INTERACTION_TS"].max().date()


def _value(x: Any) -> Any:
    """NaN (pandas' missing value) as None, numpy scalars as Python numbers."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return x.item() if isinstance(x, np.generic) else x


def kpi_avg_sentiment(raw: Raw, sel: Selection) -> float | None:
    return _value(raw.rows(INTERACTIONS, sel)["SENTIMENT_SCORE"].mean())


def kpi_interactions(raw: Raw, sel: Selection) -> int:
    return len(raw.rows(INTERACTIONS, sel))


def kpi_high_churn_share(raw: Raw, sel: Selection) -> float | None:
    active = raw.rows(INTERACTIONS, sel)["CUSTOMER_ID"].unique()
    signals = raw.keep_customers(raw.tables[SIGNALS], sel)
    signals = signals[signals["CUSTOMER_ID"].isin(active)]
    return _value((signals["CHURN_RISK"] == "High").astype(float).mean())


def kpi_avg_rating(raw: Raw, sel: Selection) -> float | None:
    return _value(raw.rows(REVIEWS, sel)["REVIEW_RATING"].astype(float).mean())


def _signed_up(raw: Raw, sel: Selection) -> pd.DataFrame:
    base = raw.keep_customers(raw.tables[BASE], sel)
    return base[base["SIGNUP_DATE"] < pd.Timestamp(sel.date_to + DAY)]


def kpi_customers(raw: Raw, sel: Selection) -> int:
    return len(_signed_up(raw, sel))


def kpi_lifetime_value(raw: Raw, sel: Selection) -> float | None:
    """Spend to the period's end (completed lines) by the customers signed up by then."""
    tx = _completed(raw, sel, dated=False)
    tx = tx[
        (tx["TRANSACTION_TS"] < pd.Timestamp(sel.date_to + DAY))
        & tx["CUSTOMER_ID"].isin(_signed_up(raw, sel)["CUSTOMER_ID"])
    ]
    return _value(tx["AMOUNT"].astype(float).sum()) if len(tx) else None


def _completed(raw: Raw, sel: Selection, *, dated: bool = True) -> pd.DataFrame:
    tx = raw.rows(TRANSACTIONS, sel, dated=dated)
    return tx[tx["STATUS"] == "completed"]


def kpi_avg_order_value(raw: Raw, sel: Selection) -> float | None:
    return _value(_completed(raw, sel)["AMOUNT"].astype(float).mean())


def kpi_retention(raw: Raw, sel: Selection) -> float | None:
    before_sel = sel.previous()
    tx = _completed(raw, sel, dated=False)
    ts = tx["TRANSACTION_TS"]

    def buyers(period: Selection) -> set[str]:
        start, end = pd.Timestamp(period.date_from), pd.Timestamp(period.date_to + DAY)
        return set(tx.loc[(ts >= start) & (ts < end), "CUSTOMER_ID"])

    before, now = buyers(before_sel), buyers(sel)
    return len(before & now) / len(before) if before else None


def kpi_avg_csat(raw: Raw, sel: Selection) -> float | None:
    return _value(raw.rows(TICKETS, sel)["CSAT_SCORE"].astype(float).mean())


KPIS: dict[str, Callable[[Raw, Selection], Any]] = {
    f.__name__: f
    for f in (
        kpi_avg_sentiment,
        kpi_interactions,
        kpi_high_churn_share,
        kpi_avg_rating,
        kpi_customers,
        kpi_lifetime_value,
        kpi_avg_order_value,
        kpi_retention,
        kpi_avg_csat,
    )
}
COUNT_KPIS = {"kpi_interactions", "kpi_customers"}


def sentiment_trend(raw: Raw, sel: Selection, grain: str) -> list[tuple[str, float | None]]:
    frame = raw.rows(INTERACTIONS, sel)
    day = frame["INTERACTION_TS"].dt.normalize()
    if grain == "hour":
        period = frame["INTERACTION_TS"].dt.floor("h")
    elif grain == "week":  # weeks start on Monday
        period = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    elif grain == "month":
        period = day - pd.to_timedelta(day.dt.day - 1, unit="D")
    else:
        period = day
    means = frame["SENTIMENT_SCORE"].groupby(period).mean().sort_index()
    return [(p.isoformat(sep=" "), _value(v)) for p, v in means.items()]


@dataclass(frozen=True)
class Bins:
    """Customers per sentiment bin: those surely in a bin, and those whose mean sits on a bin edge.

    A mean of exactly 0.1 can come out of a floating-point average as 0.09999999999999999 or as
    0.1 depending on the order of summation, so a customer within EDGE of a bin edge may be counted in
    either of the two bins it touches; every other customer must be in exactly its bin.
    """

    sure: dict[float, int]
    edge: dict[float, int]  # bin -> customers on an edge of it, who may or may not be counted there
    customers: int


EDGE = 1e-9


def _bin(tenths: pd.Series) -> pd.Series:
    """Bin starts from floor(mean * 10): the top bin holds 1.0, and no mean lies below -1."""
    return np.clip(tenths / 10, -1.0, 0.9).round(6)


def sentiment_distribution(raw: Raw, sel: Selection) -> Bins:
    frame = raw.rows(INTERACTIONS, sel)
    per_customer = frame[frame["SENTIMENT_SCORE"].notna()].groupby("CUSTOMER_ID")["SENTIMENT_SCORE"].mean()
    low, high = _bin(np.floor(per_customer * 10 - EDGE)), _bin(np.floor(per_customer * 10 + EDGE))
    on_edge = low != high
    edge = pd.concat([low[on_edge], high[on_edge]]).value_counts()
    return Bins(
        sure={float(b): int(n) for b, n in low[~on_edge].value_counts().items()},
        edge={float(b): int(n) for b, n in edge.items()},
        customers=len(per_customer),
    )


def churn_risk(raw: Raw, sel: Selection) -> list[tuple[str, int]]:
    """Customers with an interaction in the period per churn risk level, riskiest level first."""
    active = raw.rows(INTERACTIONS, sel)["CUSTOMER_ID"].unique()
    signals = raw.keep_customers(raw.tables[SIGNALS], sel)
    signals = signals[signals["CUSTOMER_ID"].isin(active)]
    scores = raw.tables[CHURN].set_index("CUSTOMER_ID")["CHURN_RISK_SCORE"].astype(float)
    frame = signals.assign(SCORE=signals["CUSTOMER_ID"].map(scores))
    levels = frame.groupby("CHURN_RISK").agg(CUSTOMERS=("CUSTOMER_ID", "size"), SCORE=("SCORE", "mean"))
    levels = levels.sort_values("SCORE", ascending=False, na_position="last")
    return [(str(level), int(n)) for level, n in levels["CUSTOMERS"].items()]


def monthly_revenue(raw: Raw, sel: Selection) -> list[tuple[str, float]]:
    tx = _completed(raw, sel)
    month = tx["TRANSACTION_TS"].dt.to_period("M")
    revenue = tx["AMOUNT"].astype(float).groupby(month).sum().sort_index()
    return [(m.start_time.date().isoformat(), float(v)) for m, v in revenue.items()]


def top_customers(raw: Raw, sel: Selection) -> pd.DataFrame:
    base = raw.keep_customers(raw.tables[BASE], sel).copy()
    base["LIFETIME_VALUE"] = base["LIFETIME_VALUE"].astype(float)
    ordered = base.sort_values(
        ["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True], na_position="last", kind="mergesort"
    )
    return ordered.head(5)


def satisfaction(raw: Raw, sel: Selection) -> tuple[float | None, ...]:
    """Mean CSAT in the period; the scale spans every date the other filters keep."""
    csat = raw.rows(TICKETS, sel)["CSAT_SCORE"].astype(float)
    scale = raw.rows(TICKETS, sel, dated=False)["CSAT_SCORE"].astype(float)
    return _value(csat.mean()), _value(scale.min()), _value(scale.max())


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+region+channel+persona", "range+value_segment+interaction_type+language")


@pytest.fixture(scope="module")
def selections(raw: Raw) -> dict[str, Selection]:
    """The filter sets, with values taken from the data (the most common of each), not written in."""
    t = raw.tables
    region = _most_common(t[BASE]["REGION"])
    channel = _most_common(t[INTERACTIONS]["CHANNEL"])
    persona = _most_common(t[SIGNALS]["DERIVED_PERSONA"])
    segment = _most_common(t[SIGNALS]["VALUE_SEGMENT"])
    kind = _most_common(t[INTERACTIONS]["INTERACTION_TYPE"])
    language = _most_common(t[REVIEWS]["REVIEW_LANGUAGE"])
    plain = Selection(RANGE_FROM, RANGE_TO)
    return {
        "range": plain,
        "range+region+channel+persona": replace(
            plain, values=(("region", (region,)), ("channel", (channel,)), ("persona", (persona,)))
        ),
        "range+value_segment+interaction_type+language": replace(
            plain,
            values=(("value_segment", (segment,)), ("interaction_type", (kind,)), ("language", (language,))),
        ),
    }


def test_every_filter_set_still_leaves_rows_in_every_fact_table(raw, selections):
    """Otherwise the comparisons below would compare empty results and prove little."""
    for name, sel in selections.items():
        for period in (sel, sel.previous()):
            for table in (INTERACTIONS, REVIEWS, TICKETS, TRANSACTIONS):
                assert len(raw.rows(table, period)) >= 5, (name, period, table)


# --- Reading what the portal serves ------------------------------------------------------------------


def get_csv(client, chart_id: str, query: str) -> list[dict[str, str]]:
    response = client.get(f"/w/overview/chart/{chart_id}.csv?{query}")
    assert response.status_code == 200, response.content[:1000]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def assert_periods(rows: list[dict[str, str]], sel: Selection) -> None:
    """A compared chart's CSV: one current row, then one previous row, each with its dates."""
    assert [r["PERIOD"] for r in rows] == ["current", "previous"]
    for row, period in zip(rows, (sel, sel.previous()), strict=True):
        assert (row["DATE_FROM"], row["DATE_TO"]) == (
            period.date_from.isoformat(),
            period.date_to.isoformat(),
        )


# --- 1. KPIs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("kpi", list(KPIS))
def test_each_kpi_equals_the_pandas_value_for_the_period_and_the_previous_one(
    signed_in, raw, selections, kpi, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, kpi, sel.query())
    assert_periods(rows, sel)
    assert list(rows[0]) == ["PERIOD", "DATE_FROM", "DATE_TO", "VALUE"]
    for row, period in zip(rows, (sel, sel.previous()), strict=True):
        expected = KPIS[kpi](raw, period)
        what = f"{kpi} {row['PERIOD']} {period.date_from}..{period.date_to}"
        if kpi in COUNT_KPIS:
            assert_count(row["VALUE"], expected, what)
        else:
            assert_number(row["VALUE"], expected, what)


# --- 2. Charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("grain", ["hour", "day", "week", "month"])
def test_sentiment_trend_averages_each_hour_day_monday_week_or_calendar_month(
    signed_in, raw, selections, grain, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_trend", sel.query(grain=grain))
    expected = sentiment_trend(raw, sel, grain)
    assert [pd.Timestamp(r["PERIOD"]).isoformat(sep=" ") for r in rows] == [period for period, _ in expected]
    for row, (period, mean) in zip(rows, expected, strict=True):
        assert_number(row["AVG_SENTIMENT"], mean, f"{grain} {period}")
    if grain == "week":
        assert all(dt.datetime.fromisoformat(p).weekday() == 0 for p, _ in expected)
    if grain == "hour":
        assert len({p[:10] for p, _ in expected}) < len(expected), "an hourly grain draws hours, not days"


@pytest.mark.parametrize("selection", SELECTIONS)
def test_sentiment_distribution_counts_customers_by_their_mean_sentiment_in_bins_of_a_tenth(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "sentiment_distribution", sel.query())
    assert list(rows[0]) == ["SENTIMENT_FROM", "CUSTOMERS"]
    served = [(round(float(r["SENTIMENT_FROM"]), 6), r["CUSTOMERS"]) for r in rows]
    starts = [start for start, _ in served]
    assert starts == sorted(set(starts)), "one row per bin, lowest first"
    expected = sentiment_distribution(raw, sel)
    assert set(expected.sure) <= set(starts) <= set(expected.sure) | set(expected.edge)
    for start, count in served:
        assert re.fullmatch(r"\d+", count), count
        low = expected.sure.get(start, 0)
        assert low <= int(count) <= low + expected.edge.get(start, 0), f"bin {start}"
    assert sum(int(count) for _, count in served) == expected.customers
    assert sum(expected.edge.values()) <= expected.customers / 10, "customers on a bin edge are rare"


@pytest.mark.parametrize("selection", SELECTIONS)
def test_churn_risk_counts_customers_per_level_riskiest_first(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "churn_risk", sel.query())
    assert list(rows[0]) == ["CHURN_RISK", "CUSTOMERS"]
    served = [(r["CHURN_RISK"], r["CUSTOMERS"]) for r in rows]
    expected = churn_risk(raw, sel)
    assert [label for label, _ in served] == [label for label, _ in expected]
    for (label, count), (_, n) in zip(served, expected, strict=True):
        assert_count(count, n, label)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_the_donuts_high_share_is_the_high_churn_risk_kpi_one_definition_on_one_page(
    signed_in, selections, selection
):
    sel = selections[selection]
    donut = {r["CHURN_RISK"]: int(r["CUSTOMERS"]) for r in get_csv(signed_in, "churn_risk", sel.query())}
    kpi = get_csv(signed_in, "kpi_high_churn_share", sel.query())[0]
    assert_number(kpi["VALUE"], donut.get("High", 0) / sum(donut.values()), "High share")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_monthly_revenue_sums_completed_purchases_per_calendar_month(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "monthly_revenue", sel.query())
    expected = monthly_revenue(raw, sel)
    assert [r["MONTH"] for r in rows] == [m for m, _ in expected]
    for row, (month, revenue) in zip(rows, expected, strict=True):
        assert_number(row["REVENUE"], revenue, month)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_top_customers_are_the_five_highest_lifetime_values_ties_broken_by_id(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "top_customers", sel.query())
    expected = top_customers(raw, sel)
    assert list(rows[0]) == [
        "CUSTOMER_ID",
        "CUSTOMER_NAME",
        "REGION",
        "PLAN_TIER",
        "TOTAL_ORDERS",
        "LIFETIME_VALUE",
    ]
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    for row, (_, customer) in zip(rows, expected.iterrows(), strict=True):
        first, last = customer["FIRST_NAME"], customer["LAST_NAME"]
        assert row["CUSTOMER_NAME"] == ("" if pd.isna(first) or pd.isna(last) else f"{first} {last}")
        assert (row["REGION"], row["PLAN_TIER"]) == (customer["REGION"], customer["PLAN_TIER"])
        assert_count(row["TOTAL_ORDERS"], int(customer["TOTAL_ORDERS"]), customer["CUSTOMER_ID"])
        assert_number(row["LIFETIME_VALUE"], float(customer["LIFETIME_VALUE"]), customer["CUSTOMER_ID"])


@pytest.mark.parametrize("selection", SELECTIONS)
def test_satisfaction_gauge_shows_the_periods_mean_csat_on_one_scale_for_every_period(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "satisfaction_gauge", sel.query())
    assert_periods(rows, sel)
    assert list(rows[0])[3:] == ["AVG_CSAT", "SCALE_MIN", "SCALE_MAX"]
    for row, period in zip(rows, (sel, sel.previous()), strict=True):
        mean, low, high = satisfaction(raw, period)
        assert_number(row["AVG_CSAT"], mean, f"{row['PERIOD']} AVG_CSAT")
        assert_number(row["SCALE_MIN"], low, f"{row['PERIOD']} SCALE_MIN")
        assert_number(row["SCALE_MAX"], high, f"{row['PERIOD']} SCALE_MAX")
    assert rows[0]["SCALE_MIN"] == rows[1]["SCALE_MIN"] and rows[0]["SCALE_MAX"] == rows[1]["SCALE_MAX"]


# --- 3. Presets ------------------------------------------------------------------------------------


PRESETS = {
    "last_7": lambda first, last: (last - 6 * DAY, last),
    "last_30": lambda first, last: (last - 29 * DAY, last),
    "last_90": lambda first, last: (last - 89 * DAY, last),
    "qtd": lambda first, last: (dt.date(last.year, (last.month - 1) // 3 * 3 + 1, 1), last),
    "ytd": lambda first, last: (dt.date(last.year, 1, 1), last),
    "all": lambda first, last: (first, last),
}


def test_last_30_days_are_the_30_days_ending_on_the_last_day_with_interactions(signed_in, raw):
    last = raw.last_interaction_day
    expected = Selection(last - 29 * DAY, last)
    rows = get_csv(signed_in, "kpi_interactions", "preset=last_30")
    assert_periods(rows, expected)
    assert_count(rows[0]["VALUE"], kpi_interactions(raw, expected), "last 30 days")
    assert_count(rows[1]["VALUE"], kpi_interactions(raw, expected.previous()), "the 30 days before")
    assert kpi_interactions(raw, expected) > 0


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_counts_back_from_the_last_day_with_interactions(signed_in, raw, preset):
    interactions = raw.tables[INTERACTIONS]["INTERACTION_TS"]
    first, last = interactions.min().date(), interactions.max().date()
    expected = Selection(*PRESETS[preset](first, last))
    rows = get_csv(signed_in, "kpi_interactions", f"preset={preset}")
    assert_periods(rows, expected)
    assert_count(rows[0]["VALUE"], kpi_interactions(raw, expected), preset)
    assert_count(rows[1]["VALUE"], kpi_interactions(raw, expected.previous()), f"before {preset}")
    if preset == "all":
        assert int(rows[0]["VALUE"]) == len(interactions)


# --- 4. The CSV is the "show data" table ------------------------------------------------------------


class _DataTable(HTMLParser):
    """The body rows of the first `table.data` in an HTML fragment, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._depth = 0  # inside table.data
        self._in_body = False
        self._cell: list[str] | None = None
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table" and "data" in (dict(attrs).get("class") or "").split():
            self._depth = 1
        elif self._depth and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table" and self._depth:
            self._depth = 0
            self._done = True

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_the_csv_holds_exactly_the_rows_of_the_charts_show_data_table(signed_in, selections):
    query = selections["range+region+channel+persona"].query(grain="week")
    rows = get_csv(signed_in, "sentiment_trend", query)
    response = signed_in.get(f"/w/overview/chart/sentiment_trend/?{query}")
    assert response.status_code == 200
    table = _DataTable()
    table.feed(unfolded(response.content.decode("utf-8")))  # as shown once "Show data" is opened
    assert len(rows) > 1
    assert len(table.rows) == len(rows)
    for cells, row in zip(table.rows, rows, strict=True):
        assert pd.Timestamp(cells[0]) == pd.Timestamp(row["PERIOD"])
        # The table shows three decimals; the CSV keeps full precision.
        assert float(cells[1]) == pytest.approx(float(row["AVG_SENTIMENT"]), abs=0.0005 + 1e-12)


# --- 5. Bad filters are refused before any chart runs ------------------------------------------------

BAD_FILTERS = [
    ("persona=Nope", "persona"),
    ("from=2026-13-01&to=2026-05-31", "from"),
    ("from=2026-05-31&to=2026-03-01", "to"),
    ("foo=1", "foo"),
    ("grain=year", "grain"),
]
ENDPOINTS = {
    "page": "/w/overview/",
    "fragment": "/w/overview/chart/kpi_interactions/",
    "csv": "/w/overview/chart/kpi_interactions.csv",
}


@pytest.fixture
def chart_loads(monkeypatch) -> list[str]:
    """Records every chart load made by the page, fragment and CSV views."""
    from dashboards import fragments
    from dashboards.charts import service
    from exports import views as export_views

    calls: list[str] = []
    real = service.load_chart

    def counting(chart, *args, **kwargs):
        calls.append(chart.id)
        return real(chart, *args, **kwargs)

    monkeypatch.setattr(fragments, "load_chart", counting)
    monkeypatch.setattr(export_views, "load_chart", counting)
    return calls


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize(("query", "param"), BAD_FILTERS, ids=[p for _, p in BAD_FILTERS])
def test_a_bad_filter_is_a_400_naming_the_parameter_and_runs_no_chart(
    signed_in, chart_loads, endpoint, query, param
):
    response = signed_in.get(f"{ENDPOINTS[endpoint]}?{query}")
    assert response.status_code == 400
    assert f"<code>{param}</code>" in response.content.decode("utf-8")
    assert chart_loads == []


@pytest.mark.parametrize("endpoint", ["fragment", "csv"])
def test_good_filters_do_load_the_chart_so_the_count_above_means_something(
    signed_in, chart_loads, selections, endpoint
):
    response = signed_in.get(f"{ENDPOINTS[endpoint]}?{selections['range'].query()}")
    assert response.status_code == 200
    assert chart_loads == ["kpi_interactions"]
