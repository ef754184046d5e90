"""Every Segmentation & Value number against an independent computation, straight from the warehouse file.

The portal compiles its SQL files, filters them and serves each chart's rows as CSV. Here the same rows
are computed from the raw tables with pandas alone (no SQL file, no query compiler), from the
definition each chart states and the filter contract (WAREHOUSE.md), then compared: exactly for counts
and labels, within 1e-9 for floats. The workspace's population is the customers with an interaction in
the period (the date range, channel and interaction type pick them), seen through their signals.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
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
SLUG = "segments"
get_csv = partial(csv_rows, SLUG)
MAX_POINTS = 1000
LEVELS = ("High", "Medium", "Low")  # the contract's order of churn-risk and upsell levels

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
SUMMARIES = "INSIGHT_SUMMARIES"
INTERACTIONS = "FACT_CUSTOMER_INTERACTIONS"
DATES = "DIM_DATE"

# The contract, restated here on purpose rather than imported from dashboards.warehouse.tables.
CUSTOMER_FILTERS = {
    "persona": (SIGNALS, "DERIVED_PERSONA"),
    "value_segment": (SIGNALS, "VALUE_SEGMENT"),
    "churn_risk": (SIGNALS, "CHURN_RISK"),
    "upsell": (SIGNALS, "UPSELL_OPPORTUNITY"),
    "region": (BASE, "REGION"),
}
ROW_FILTERS = {"interaction_type": "INTERACTION_TYPE", "channel": "CHANNEL"}  # on interactions


class Raw:
    """The warehouse's tables as pandas frames, and the contract's filters applied in pandas."""

    def __init__(self, path: Path) -> None:
        con = duckdb.connect(str(path), read_only=True)
        try:
            self.tables = {
                name: con.execute(f"SELECT * FROM ANALYTICS.{name}").df()
                for name in (BASE, SIGNALS, SUMMARIES, INTERACTIONS, DATES)
            }
        finally:
            con.close()
        self.tables[INTERACTIONS]["INTERACTION_TS"] = pd.to_datetime(
            self.tables[INTERACTIONS]["INTERACTION_TS"]
        )
        for table, column in ((SIGNALS, "LIFETIME_VALUE"), (BASE, "LIFETIME_VALUE")):
            self.tables[table][column] = self.tables[table][column].astype(float)

    def keep_customers(self, frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
        for name, values in sel.values:
            if name in CUSTOMER_FILTERS:
                source, column = CUSTOMER_FILTERS[name]
                attrs = self.tables[source]
                frame = frame[frame["CUSTOMER_ID"].isin(attrs.loc[attrs[column].isin(values), "CUSTOMER_ID"])]
        return frame

    def interactions(self, sel: Selection) -> pd.DataFrame:
        frame = self.tables[INTERACTIONS]
        ts = frame["INTERACTION_TS"]
        frame = frame[(ts >= pd.Timestamp(sel.date_from)) & (ts < pd.Timestamp(sel.date_to + DAY))]
        for name, values in sel.values:
            if name in ROW_FILTERS:
                frame = frame[frame[ROW_FILTERS[name]].isin(values)]
        return self.keep_customers(frame, sel)

    def active_signals(self, sel: Selection) -> pd.DataFrame:
        """The signals of the customers with an interaction in the period (the workspace's population)."""
        active = self.interactions(sel)["CUSTOMER_ID"].unique()
        signals = self.keep_customers(self.tables[SIGNALS], sel)
        return signals[signals["CUSTOMER_ID"].isin(active)]


def _most_common(series: pd.Series) -> str:
    counts = series.dropna().value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def _value(x: Any) -> Any:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return x.item() if isinstance(x, np.generic) else x


# --- The independent computations -----------------------------------------------------------------


def _by_mean_value(signals: pd.DataFrame) -> list[str]:
    """Value segments, the highest mean lifetime value first (ties by name)."""
    means = signals.groupby("VALUE_SEGMENT")["LIFETIME_VALUE"].mean()
    return sorted(means.index, key=lambda s: (-means[s], s))


def persona_distribution(raw: Raw, sel: Selection) -> list[tuple[str, int]]:
    counts = raw.active_signals(sel)["DERIVED_PERSONA"].value_counts()
    return sorted(((str(p), int(n)) for p, n in counts.items()), key=lambda pn: (-pn[1], pn[0]))


def value_segments(raw: Raw, sel: Selection) -> list[tuple[str, int]]:
    signals = raw.active_signals(sel)
    counts = signals["VALUE_SEGMENT"].value_counts()
    return [(segment, int(counts[segment])) for segment in _by_mean_value(signals)]


def segment_profile(raw: Raw, sel: Selection) -> list[tuple[str, float | None, float | None, float | None]]:
    signals = raw.active_signals(sel)
    rows = []
    for segment in _by_mean_value(signals):
        part = signals[signals["VALUE_SEGMENT"] == segment]
        rows.append(
            (
                segment,
                _value(part["AVG_SENTIMENT"].astype(float).mean()),
                _value(part["TICKET_COUNT"].astype(float).mean()),
                _value(part["AVG_RATING"].astype(float).mean()),
            )
        )
    return rows


def _level_order(level: str) -> tuple[int, str]:
    return (LEVELS.index(level) if level in LEVELS else len(LEVELS), level)


def churn_upsell(raw: Raw, sel: Selection) -> list[tuple[str, str, int]]:
    signals = raw.active_signals(sel)
    counts = signals.groupby(["CHURN_RISK", "UPSELL_OPPORTUNITY"]).size()
    return [
        (churn, upsell, int(counts.get((churn, upsell), 0)))
        for churn in sorted(signals["CHURN_RISK"].unique(), key=_level_order)
        for upsell in sorted(signals["UPSELL_OPPORTUNITY"].unique(), key=_level_order)
    ]


def rfm(raw: Raw, sel: Selection) -> pd.DataFrame:
    last_day = pd.Timestamp(raw.tables[DATES]["DATE_DAY"].max())
    signals = raw.active_signals(sel)[["CUSTOMER_ID", "VALUE_SEGMENT"]]
    base = raw.tables[BASE]
    buyers = base[base["LAST_PURCHASE_DATE"].notna()].merge(signals, on="CUSTOMER_ID")
    buyers = buyers.sort_values("CUSTOMER_ID", kind="mergesort").reset_index(drop=True)
    step = max(1, math.ceil(len(buyers) / MAX_POINTS))
    sample = buyers.iloc[::step].copy()
    sample["DAYS_SINCE_PURCHASE"] = (last_day - pd.to_datetime(sample["LAST_PURCHASE_DATE"])).dt.days
    return sample


def explorer(raw: Raw, sel: Selection) -> pd.DataFrame:
    signals = raw.active_signals(sel)
    frame = signals.merge(raw.tables[BASE][["CUSTOMER_ID", "REGION"]], on="CUSTOMER_ID")
    frame = frame.merge(
        raw.tables[SUMMARIES][["CUSTOMER_ID", "CUSTOMER_SUMMARY"]], on="CUSTOMER_ID", how="left"
    )
    frame = frame.sort_values(["LIFETIME_VALUE", "CUSTOMER_ID"], ascending=[False, True], kind="mergesort")
    return frame.head(1000)


# --- Fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+region+channel", "range+persona+interaction_type")


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
        "range+persona+interaction_type": replace(
            plain,
            values=(
                ("persona", (_most_common(t[SIGNALS]["DERIVED_PERSONA"]),)),
                ("interaction_type", (_most_common(t[INTERACTIONS]["INTERACTION_TYPE"]),)),
            ),
        ),
    }


def test_every_filter_set_leaves_customers_with_interactions_but_fewer_than_no_filter(raw, selections):
    """Otherwise the comparisons below would compare empty or unfiltered results and prove little."""
    everyone = len(raw.active_signals(selections["range"]))
    for name, sel in selections.items():
        n = len(raw.active_signals(sel))
        assert n >= 20, name
        assert name == "range" or n < everyone, name


# --- Reading what the portal serves -------------------------------------------------------------------


# --- The charts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
def test_persona_distribution_counts_active_customers_per_persona_largest_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "persona_distribution", sel.query())
    assert rows and list(rows[0]) == ["DERIVED_PERSONA", "CUSTOMERS"]
    expected = persona_distribution(raw, sel)
    assert [r["DERIVED_PERSONA"] for r in rows] == [p for p, _ in expected]
    for row, (persona, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, persona)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_value_segments_count_active_customers_per_segment_most_valuable_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "value_segments", sel.query())
    assert rows and list(rows[0]) == ["VALUE_SEGMENT", "CUSTOMERS"]
    expected = value_segments(raw, sel)
    assert [r["VALUE_SEGMENT"] for r in rows] == [s for s, _ in expected]
    for row, (segment, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, segment)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_segment_profile_averages_sentiment_tickets_and_rating_of_each_value_segment(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "segment_profile", sel.query())
    assert rows and list(rows[0]) == ["VALUE_SEGMENT", "AVG_SENTIMENT", "AVG_TICKETS", "AVG_RATING"]
    expected = segment_profile(raw, sel)
    assert [r["VALUE_SEGMENT"] for r in rows] == [e[0] for e in expected]
    for row, (segment, sentiment, tickets, rating) in zip(rows, expected, strict=True):
        assert_number(row["AVG_SENTIMENT"], sentiment, f"{segment} sentiment")
        assert_number(row["AVG_TICKETS"], tickets, f"{segment} tickets")
        assert_number(row["AVG_RATING"], rating, f"{segment} rating")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_churn_upsell_heatmap_counts_every_pair_of_levels_including_empty_cells(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "churn_upsell", sel.query())
    assert rows and list(rows[0]) == ["CHURN_RISK", "UPSELL_OPPORTUNITY", "CUSTOMERS"]
    expected = churn_upsell(raw, sel)
    assert [(r["CHURN_RISK"], r["UPSELL_OPPORTUNITY"]) for r in rows] == [(c, u) for c, u, _ in expected]
    for row, (churn, upsell, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, f"{churn}/{upsell}")
    assert sum(n for _, _, n in expected) == len(raw.active_signals(sel))


def assert_rfm(rows: list[dict[str, str]], expected: pd.DataFrame) -> None:
    assert rows and list(rows[0]) == [
        "CUSTOMER_ID",
        "DAYS_SINCE_PURCHASE",
        "TOTAL_ORDERS",
        "LIFETIME_VALUE",
        "VALUE_SEGMENT",
    ]
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    for row, (_, customer) in zip(rows, expected.iterrows(), strict=True):
        what = customer["CUSTOMER_ID"]
        assert_count(row["DAYS_SINCE_PURCHASE"], int(customer["DAYS_SINCE_PURCHASE"]), what)
        assert_count(row["TOTAL_ORDERS"], int(customer["TOTAL_ORDERS"]), what)
        assert_number(row["LIFETIME_VALUE"], float(customer["LIFETIME_VALUE"]), what)
        assert row["VALUE_SEGMENT"] == customer["VALUE_SEGMENT"]


@pytest.mark.parametrize("selection", SELECTIONS)
def test_rfm_gives_recency_to_the_last_day_orders_and_value_of_every_active_buyer(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    expected = rfm(raw, sel)
    assert len(expected) <= MAX_POINTS  # the small warehouse is not sampled: every buyer is a point
    assert_rfm(get_csv(signed_in, "rfm", sel.query()), expected)
    assert (expected["DAYS_SINCE_PURCHASE"] >= 0).all()


@pytest.fixture(scope="module")
def big_warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with more active buyers than the chart draws, so that it samples."""
    from dashboards.warehouse.demo import build_warehouse

    path = tmp_path_factory.mktemp("big-warehouse") / "demo.duckdb"
    build_warehouse(path, customers=7000, seed=11, as_of=dt.date(2026, 6, 30))
    return path


def test_rfm_samples_every_kth_customer_by_id_when_there_are_more_than_1000(
    signed_in, settings, big_warehouse_path
):
    from dashboards.warehouse import client as warehouse_client

    settings.WAREHOUSE_PATH = big_warehouse_path
    warehouse_client.reset()
    big = Raw(big_warehouse_path)
    sel = Selection(RANGE_FROM, RANGE_TO)
    expected = rfm(big, sel)
    buyers = big.tables[BASE]["LAST_PURCHASE_DATE"].notna().sum()
    assert buyers > MAX_POINTS * 2, "enough buyers for a step of at least 3"
    assert MAX_POINTS * 2 / 3 < len(expected) <= MAX_POINTS
    assert_rfm(get_csv(signed_in, "rfm", sel.query()), expected)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_segment_explorer_lists_active_customers_by_lifetime_value_with_their_summary(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "explorer", sel.query())
    columns = [
        "CUSTOMER_ID",
        "DERIVED_PERSONA",
        "CHURN_RISK",
        "UPSELL_OPPORTUNITY",
        "VALUE_SEGMENT",
        "REGION",
        "LIFETIME_VALUE",
        "CUSTOMER_SUMMARY",
    ]
    assert rows and list(rows[0]) == columns
    expected = explorer(raw, sel)
    assert [r["CUSTOMER_ID"] for r in rows] == list(expected["CUSTOMER_ID"])
    for row, (_, customer) in zip(rows, expected.iterrows(), strict=True):
        for column in columns:
            if column == "LIFETIME_VALUE":
                assert_number(row[column], customer[column], customer["CUSTOMER_ID"])
            else:
                text = customer[column]
                expected_text = "" if pd.isna(text) else str(text)
                if expected_text.startswith(("=", "+", "-", "@")):  # the CSV defuses spreadsheet formulas
                    expected_text = "'" + expected_text
                assert row[column] == expected_text, (customer["CUSTOMER_ID"], column)


# --- Each chart draws --------------------------------------------------------------------------------

TRACE_TYPES = {
    "persona_distribution": {"bar"},
    "value_segments": {"pie"},
    "segment_profile": {"bar", "scatter"},  # sentiment as bars, tickets and rating on the right axis
    "churn_upsell": {"heatmap"},
    "rfm": {"scatter"},  # bubbles; the 3-D scene is a view asked for with a button
    "rfm/3d": {"scatter3d"},
}


def _figure(html: str) -> dict[str, Any]:
    found = re.search(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert found, "no figure JSON in the fragment"
    return json.loads(found.group(1))


@pytest.mark.parametrize("chart_id", list(TRACE_TYPES))
def test_each_chart_fragment_draws_a_figure_of_its_kind(signed_in, selections, chart_id):
    response = signed_in.get(f"/w/{SLUG}/chart/{chart_id}/?{selections['range'].query()}")
    assert response.status_code == 200
    figure = _figure(response.content.decode("utf-8"))
    assert figure["data"], chart_id
    assert {trace["type"] for trace in figure["data"]} == TRACE_TYPES[chart_id]


@pytest.mark.parametrize("view", ["", "3d/"])
def test_rfm_draws_one_coloured_trace_per_value_segment(signed_in, raw, selections, view):
    sel = selections["range"]
    figure = _figure(signed_in.get(f"/w/{SLUG}/chart/rfm/{view}?{sel.query()}").content.decode("utf-8"))
    segments = set(rfm(raw, sel)["VALUE_SEGMENT"])
    assert {trace["name"] for trace in figure["data"]} == segments
    assert sum(len(trace["x"]) for trace in figure["data"]) == len(rfm(raw, sel))


def _points(figure: dict[str, Any], *axes: str) -> dict[str, tuple[Any, ...]]:
    """{customer id: the point's values on `axes`} over every trace (the id is customdata[0])."""
    return {
        point[0]: tuple(trace[axis][i] for axis in axes)
        for trace in figure["data"]
        for i, point in enumerate(trace["customdata"])
    }


def test_rfm_bubbles_put_value_up_recency_across_and_orders_in_the_size_and_3d_on_its_own_axis(
    signed_in, raw, selections
):
    sel = selections["range"]
    expected = rfm(raw, sel).set_index("CUSTOMER_ID")
    flat = _figure(signed_in.get(f"/w/{SLUG}/chart/rfm/?{sel.query()}").content.decode("utf-8"))
    drawn = _points(flat, "x", "y")
    assert set(drawn) == set(expected.index)
    for customer, (days, value) in drawn.items():
        assert days == expected.at[customer, "DAYS_SINCE_PURCHASE"]
        assert value == pytest.approx(float(expected.at[customer, "LIFETIME_VALUE"]), abs=0.01)
    # One size scale for every colour: a customer with more orders never draws a smaller bubble.
    sized = sorted(
        (int(expected.at[point[0], "TOTAL_ORDERS"]), size)
        for trace in flat["data"]
        for point, size in zip(trace["customdata"], trace["marker"]["size"], strict=True)
    )
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(sized) if a[0] < b[0])
    assert sized[0][1] < sized[-1][1]
    # The hover names the orders too (after the customer id in customdata).
    assert all(p[1] == int(expected.at[p[0], "TOTAL_ORDERS"]) for t in flat["data"] for p in t["customdata"])
    assert "Orders: %{customdata[1]:,}" in flat["data"][0]["hovertemplate"]

    scene = _figure(signed_in.get(f"/w/{SLUG}/chart/rfm/3d/?{sel.query()}").content.decode("utf-8"))
    for customer, (days, orders, value) in _points(scene, "x", "y", "z").items():
        assert days == expected.at[customer, "DAYS_SINCE_PURCHASE"]
        assert orders == expected.at[customer, "TOTAL_ORDERS"]
        assert value == pytest.approx(float(expected.at[customer, "LIFETIME_VALUE"]), abs=0.01)


def test_the_rfm_card_switches_between_its_views_and_names_the_bundle_a_3d_view_needs(signed_in, selections):
    from django.templatetags.static import static

    from dashboards.charts.bundles import WITH_3D

    query = selections["range"].query()
    pressed = re.compile(r'<button [^>]*data-view-src="([^"]+)" aria-pressed="(true|false)">([^<]+)</button>')
    flat = signed_in.get(f"/w/{SLUG}/chart/rfm/?{query}").content.decode()
    scene = signed_in.get(f"/w/{SLUG}/chart/rfm/3d/?{query}").content.decode()
    assert [(label, on) for _, on, label in pressed.findall(flat)] == [("2-D", "true"), ("3-D", "false")]
    assert [(label, on) for _, on, label in pressed.findall(scene)] == [("2-D", "false"), ("3-D", "true")]
    urls = [url.replace("&amp;", "&") for url, _, _ in pressed.findall(flat)]
    assert [url.split("?")[0] for url in urls] == [f"/w/{SLUG}/chart/rfm/", f"/w/{SLUG}/chart/rfm/3d/"]
    queries = {url.split("?")[1] for url in urls}  # the same filters as the part it replaces
    assert len(queries) == 1 and queries.pop().startswith(query)
    assert "data-plotly-bundle" not in flat
    assert f'data-plotly-bundle="{static(WITH_3D)}"' in scene
    # A chart without views has no switch; a view a chart does not have is not found.
    assert "view-switch" not in signed_in.get(f"/w/{SLUG}/chart/value_segments/?{query}").content.decode()
    assert signed_in.get(f"/w/{SLUG}/chart/rfm/4d/?{query}").status_code == 404
    assert signed_in.get(f"/w/{SLUG}/chart/value_segments/3d/?{query}").status_code == 404


def test_explorer_fragment_links_each_customer_to_the_customer_page(signed_in, raw, selections):
    sel = selections["range"]
    response = signed_in.get(f"/w/{SLUG}/chart/explorer/?{sel.query()}")
    assert response.status_code == 200
    first = explorer(raw, sel)["CUSTOMER_ID"].iloc[0]
    assert re.search(rf'<a [^>]*href="[^"]*{first}[^"]*"', response.content.decode("utf-8"))


def test_the_workspace_page_lists_every_chart(signed_in, selections):
    from dashboards.charts.segments import SEGMENTS

    response = signed_in.get(f"/w/{SLUG}/?{selections['range'].query()}")
    assert response.status_code == 200
    html = response.content.decode("utf-8")
    for chart in SEGMENTS.charts:
        assert f"/w/{SLUG}/chart/{chart.id}/" in html, chart.id
