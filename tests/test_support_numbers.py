"""Every Support Operations number against an independent computation, straight from the warehouse file.

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
import numpy as np
import pandas as pd
import pytest

from tests.numbers import Selection, assert_count, assert_number, csv_rows

SLUG = "support"
get_csv = partial(csv_rows, SLUG)
DAY = dt.timedelta(days=1)
RANGE_FROM, RANGE_TO = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
TARGET_HOURS = 24  # the default of settings.SUPPORT_RESOLUTION_TARGET_HOURS; the test below also moves it
# The contract's priority levels in order of urgency; any other level would follow them by name.
PRIORITY_ORDER = ("Low", "Medium", "High", "Urgent")

BASE = "CUSTOMER_BASE"
SIGNALS = "CUSTOMER_PERSONA_SIGNALS"
INTERACTIONS = "FACT_CUSTOMER_INTERACTIONS"
TICKETS = "FACT_SUPPORT_TICKETS"
PATTERNS = "TICKET_PATTERNS"

# The contract, restated here on purpose rather than imported from dashboards.warehouse.tables.
TIME_COLUMN = {INTERACTIONS: "INTERACTION_TS", TICKETS: "CREATED_AT"}
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
                for name in (BASE, SIGNALS, INTERACTIONS, TICKETS, PATTERNS)
            }
        finally:
            con.close()
        tickets = self.tables[TICKETS]
        for column in ("CREATED_AT", "RESOLVED_AT"):
            tickets[column] = pd.to_datetime(tickets[column])
        self.tables[INTERACTIONS]["INTERACTION_TS"] = pd.to_datetime(
            self.tables[INTERACTIONS]["INTERACTION_TS"]
        )

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


def _value(x: Any) -> Any:
    """NaN (pandas' missing value) as None, numpy scalars as Python numbers."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return x.item() if isinstance(x, np.generic) else x


def _priority_key(level: str) -> tuple[int, str]:
    return (PRIORITY_ORDER.index(level) if level in PRIORITY_ORDER else len(PRIORITY_ORDER), level)


def _resolution_seconds(tickets: pd.DataFrame) -> pd.Series:
    """Whole seconds from creation to resolution (seconds boundaries crossed, as DATEDIFF counts)."""
    return (tickets["RESOLVED_AT"].dt.floor("s") - tickets["CREATED_AT"].dt.floor("s")).dt.total_seconds()


def _resolved_in(raw: Raw, sel: Selection) -> pd.DataFrame:
    """Tickets resolved in the period, whenever created (the other filters still apply)."""
    tickets = raw.rows(TICKETS, sel, dated=False)
    return tickets[(tickets["RESOLVED_AT"] >= sel.start) & (tickets["RESOLVED_AT"] < sel.end)]


def kpi_open_backlog(raw: Raw, sel: Selection) -> int:
    tickets = raw.rows(TICKETS, sel, dated=False)
    created = tickets["CREATED_AT"] < sel.end
    unresolved = tickets["RESOLVED_AT"].isna() | (tickets["RESOLVED_AT"] >= sel.end)
    return int((created & unresolved).sum())


def kpi_p90_resolution_hours(raw: Raw, sel: Selection) -> float | None:
    hours = _resolution_seconds(_resolved_in(raw, sel)) / 3600
    return float(np.percentile(hours, 90, method="linear")) if len(hours) else None


def kpi_resolved_within_target(raw: Raw, sel: Selection, target_hours: float = TARGET_HOURS) -> float | None:
    seconds = _resolution_seconds(_resolved_in(raw, sel))
    return _value((seconds <= target_hours * 3600).astype(float).mean())


def kpi_avg_csat(raw: Raw, sel: Selection) -> float | None:
    return _value(raw.rows(TICKETS, sel)["CSAT_SCORE"].astype(float).mean())


KPIS = {
    f.__name__: f
    for f in (kpi_open_backlog, kpi_p90_resolution_hours, kpi_resolved_within_target, kpi_avg_csat)
}
COUNT_KPIS = {"kpi_open_backlog"}


def _period(ts: pd.Series, grain: str) -> pd.Series:
    """The start of the hour, day, Monday week or calendar month."""
    if grain == "hour":
        return ts.dt.floor("h")
    day = ts.dt.normalize()
    if grain == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if grain == "month":
        return day - pd.to_timedelta(day.dt.day - 1, unit="D")
    return day


def volume_by_priority(raw: Raw, sel: Selection, grain: str) -> list[tuple[str, str, int]]:
    tickets = raw.rows(TICKETS, sel)
    counts = tickets.groupby([_period(tickets["CREATED_AT"], grain), "PRIORITY_LEVEL"]).size()
    periods = sorted({p for p, _ in counts.index})
    levels = sorted({level for _, level in counts.index}, key=_priority_key)
    return [
        (p.isoformat(sep=" "), level, int(counts.get((p, level), 0))) for p in periods for level in levels
    ]


def categories(raw: Raw, sel: Selection) -> list[tuple[str, int]]:
    counts = raw.rows(TICKETS, sel)["TICKET_CATEGORY"].value_counts()
    return sorted(((str(c), int(n)) for c, n in counts.items()), key=lambda r: (-r[1], r[0]))


def recurrence(raw: Raw, sel: Selection) -> list[tuple[str, str, int]]:
    tickets = raw.rows(TICKETS, sel).sort_values(["CUSTOMER_ID", "CREATED_AT", "TICKET_ID"])
    following = tickets.groupby("CUSTOMER_ID")["TICKET_CATEGORY"].shift(-1)
    pairs = pd.DataFrame({"SOURCE": tickets["TICKET_CATEGORY"], "NEXT": following}).dropna()
    counts = pairs.groupby(["SOURCE", "NEXT"]).size()
    flows = [(source, f"{nxt} (next)", int(n)) for (source, nxt), n in counts.items()]
    return sorted(flows, key=lambda f: (-f[2], f[0], f[1]))


def csat_by_priority(raw: Raw, sel: Selection) -> list[tuple[str, float]]:
    csat = raw.rows(TICKETS, sel).groupby("PRIORITY_LEVEL")["CSAT_SCORE"].agg(["mean", "count"])
    csat = csat[csat["count"] > 0]
    return [(str(p), float(csat.loc[p, "mean"])) for p in sorted(csat.index, key=_priority_key)]


def priority_sentiment(raw: Raw, sel: Selection) -> list[tuple[str, int, float | None]]:
    by = raw.rows(TICKETS, sel).groupby("PRIORITY_LEVEL")["SENTIMENT_SCORE"].agg(["size", "mean"])
    return [
        (str(p), int(by.loc[p, "size"]), _value(by.loc[p, "mean"]))
        for p in sorted(by.index, key=_priority_key)
    ]


def tickets_per_customer(raw: Raw, sel: Selection) -> list[tuple[int, int]]:
    counts = raw.keep_customers(raw.tables[PATTERNS], sel)["TICKET_COUNT"].value_counts()
    return sorted((int(k), int(n)) for k, n in counts.items())


RECENT_COLUMNS = [
    "CREATED_AT",
    "EXTERNAL_TICKET_ID",
    "CUSTOMER_ID",
    "PRIORITY_LEVEL",
    "STATUS",
    "TICKET_CATEGORY",
    "TICKET_DESCRIPTION",
    "EXPECTED_RESOLUTION_TIMEFRAME",
    "REQUESTED_REMEDY",
]


def recent_tickets(raw: Raw, sel: Selection) -> pd.DataFrame:
    tickets = raw.rows(TICKETS, sel)
    return tickets.sort_values(["CREATED_AT", "TICKET_ID"], ascending=False, kind="mergesort").head(500)


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_warehouse_path: Path) -> Raw:
    return Raw(demo_warehouse_path)


SELECTIONS = ("range", "range+region+channel", "range+persona+channel")


@pytest.fixture(scope="module")
def selections(raw: Raw) -> dict[str, Selection]:
    """The filter sets, with values taken from the data (the most common of each), not written in."""
    t = raw.tables
    region = _most_common(t[BASE]["REGION"])
    persona = _most_common(t[SIGNALS]["DERIVED_PERSONA"])
    channel = _most_common(t[TICKETS]["CHANNEL"])
    plain = Selection(RANGE_FROM, RANGE_TO)
    return {
        "range": plain,
        "range+region+channel": replace(plain, values=(("region", (region,)), ("channel", (channel,)))),
        "range+persona+channel": replace(plain, values=(("persona", (persona,)), ("channel", (channel,)))),
    }


def test_every_filter_set_still_leaves_tickets_created_and_resolved_in_both_periods(raw, selections):
    """Otherwise the comparisons below would compare empty results and prove little."""
    for name, sel in selections.items():
        for period in (sel, sel.previous()):
            assert len(raw.rows(TICKETS, period)) >= 20, (name, period)
            assert len(_resolved_in(raw, period)) >= 20, (name, period)
            assert kpi_open_backlog(raw, period) >= 1, (name, period)


def test_some_tickets_resolved_in_the_range_were_created_before_it_so_the_kpis_dates_matter(raw, selections):
    sel = selections["range"]
    resolved = _resolved_in(raw, sel)
    assert (resolved["CREATED_AT"] < sel.start).any()
    backlog_now = raw.rows(TICKETS, sel, dated=False)
    resolved_later = (backlog_now["CREATED_AT"] < sel.end) & (backlog_now["RESOLVED_AT"] >= sel.end)
    assert resolved_later.any(), "the backlog at the end of the range includes tickets resolved since"


# --- Reading what the portal serves ------------------------------------------------------------------


def assert_periods(rows: list[dict[str, str]], sel: Selection) -> None:
    """A compared chart's CSV: one current row, then one previous row, each with its dates."""
    assert [r["PERIOD"] for r in rows] == ["current", "previous"]
    for row, period in zip(rows, (sel, sel.previous()), strict=True):
        assert (row["DATE_FROM"], row["DATE_TO"]) == (
            period.date_from.isoformat(),
            period.date_to.isoformat(),
        )


def csv_text(value: Any) -> str:
    """A value as the CSV writes it: NULL empty, text a spreadsheet would run as a formula quoted."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().isoformat(sep=" ")
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


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


def test_the_backlog_counts_tickets_open_at_the_end_of_the_period_not_those_open_today(signed_in, raw):
    """A past period's backlog holds tickets resolved since; a ticket created after it is not in it."""
    sel = Selection(RANGE_FROM, RANGE_TO)
    tickets = raw.tables[TICKETS]
    open_today = int(tickets["RESOLVED_AT"].isna().sum())
    rows = get_csv(signed_in, "kpi_open_backlog", sel.query())
    assert int(rows[0]["VALUE"]) == kpi_open_backlog(raw, sel)
    open_today_created_by_then = int(
        (tickets["RESOLVED_AT"].isna() & (tickets["CREATED_AT"] < sel.end)).sum()
    )
    assert int(rows[0]["VALUE"]) > open_today_created_by_then
    assert open_today >= open_today_created_by_then


def test_the_p90_interpolates_between_the_two_nearest_resolution_times(raw, selections):
    """PERCENTILE_CONT, not a nearest-rank percentile: pinned down on the data, so the check above means it."""
    hours = np.sort(_resolution_seconds(_resolved_in(raw, selections["range"])).to_numpy() / 3600)
    rank = 0.9 * (len(hours) - 1)
    low, frac = int(np.floor(rank)), rank - np.floor(rank)
    expected = hours[low] + frac * (hours[min(low + 1, len(hours) - 1)] - hours[low])
    assert kpi_p90_resolution_hours(raw, selections["range"]) == pytest.approx(expected, rel=1e-12)


# --- 2. Charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("grain", ["hour", "day", "week", "month"])
def test_volume_by_priority_counts_tickets_per_period_and_priority_with_zeros_filled(
    signed_in, raw, selections, grain, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "volume_by_priority", sel.query(grain=grain))
    assert list(rows[0]) == ["PERIOD", "PRIORITY_LEVEL", "TICKETS"]
    expected = volume_by_priority(raw, sel, grain)
    served = [(pd.Timestamp(r["PERIOD"]).isoformat(sep=" "), r["PRIORITY_LEVEL"]) for r in rows]
    assert served == [(p, level) for p, level, _ in expected]
    for row, (period, level, n) in zip(rows, expected, strict=True):
        assert_count(row["TICKETS"], n, f"{grain} {period} {level}")
    assert sum(int(r["TICKETS"]) for r in rows) == len(raw.rows(TICKETS, sel))


@pytest.mark.parametrize("selection", SELECTIONS)
def test_categories_count_tickets_created_in_the_period_largest_first(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "categories", sel.query())
    assert list(rows[0]) == ["TICKET_CATEGORY", "TICKETS"]
    expected = categories(raw, sel)
    assert [r["TICKET_CATEGORY"] for r in rows] == [c for c, _ in expected]
    for row, (category, n) in zip(rows, expected, strict=True):
        assert_count(row["TICKETS"], n, category)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_recurrence_links_each_ticket_to_the_same_customers_next_ticket_in_the_period(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "recurrence", sel.query())
    assert list(rows[0]) == ["SOURCE", "TARGET", "TICKETS"]
    expected = recurrence(raw, sel)
    assert [(r["SOURCE"], r["TARGET"]) for r in rows] == [(s, t) for s, t, _ in expected]
    for row, (source, target, n) in zip(rows, expected, strict=True):
        assert_count(row["TICKETS"], n, f"{source} -> {target}")
    assert not {r["SOURCE"] for r in rows} & {r["TARGET"] for r in rows}, (
        "sources and targets never share a node"
    )
    tickets = raw.rows(TICKETS, sel)
    assert sum(int(r["TICKETS"]) for r in rows) == len(tickets) - tickets["CUSTOMER_ID"].nunique()


@pytest.mark.parametrize("selection", SELECTIONS)
def test_csat_by_priority_averages_scored_tickets_lowest_priority_first(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "csat_by_priority", sel.query())
    assert list(rows[0]) == ["PRIORITY_LEVEL", "AVG_CSAT"]
    expected = csat_by_priority(raw, sel)
    assert [r["PRIORITY_LEVEL"] for r in rows] == [p for p, _ in expected]
    for row, (level, mean) in zip(rows, expected, strict=True):
        assert_number(row["AVG_CSAT"], mean, level)


def test_csat_falls_as_priority_rises_as_the_contract_says_the_data_shows(signed_in, selections):
    rows = get_csv(signed_in, "csat_by_priority", selections["range"].query())
    assert [r["PRIORITY_LEVEL"] for r in rows] == list(PRIORITY_ORDER)
    assert float(rows[0]["AVG_CSAT"]) > float(rows[-1]["AVG_CSAT"])


@pytest.mark.parametrize("selection", SELECTIONS)
def test_priority_sentiment_counts_tickets_and_averages_their_sentiment_per_priority(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "priority_sentiment", sel.query())
    assert list(rows[0]) == ["PRIORITY_LEVEL", "TICKETS", "AVG_SENTIMENT"]
    expected = priority_sentiment(raw, sel)
    assert [r["PRIORITY_LEVEL"] for r in rows] == [p for p, _, _ in expected]
    for row, (level, n, mean) in zip(rows, expected, strict=True):
        assert_count(row["TICKETS"], n, level)
        assert_number(row["AVG_SENTIMENT"], mean, level)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_tickets_per_customer_counts_customers_by_their_whole_history_ticket_count(
    signed_in, raw, selections, selection
):
    sel = selections[selection]
    rows = get_csv(signed_in, "tickets_per_customer", sel.query())
    assert list(rows[0]) == ["TICKET_COUNT", "CUSTOMERS"]
    expected = tickets_per_customer(raw, sel)
    assert [int(r["TICKET_COUNT"]) for r in rows] == [k for k, _ in expected]
    for row, (k, n) in zip(rows, expected, strict=True):
        assert_count(row["CUSTOMERS"], n, f"{k} tickets")


def test_tickets_per_customer_ignores_the_date_range_and_says_so(signed_in, selections):
    sel = selections["range"]
    other = Selection(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert get_csv(signed_in, "tickets_per_customer", sel.query()) == get_csv(
        signed_in, "tickets_per_customer", other.query()
    )
    response = signed_in.get(f"/w/{SLUG}/chart/tickets_per_customer/?{sel.query()}")
    assert "Not limited by: Date range" in response.content.decode("utf-8")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_recent_tickets_are_the_latest_500_of_the_period_newest_first(signed_in, raw, selections, selection):
    sel = selections[selection]
    rows = get_csv(signed_in, "recent_tickets", sel.query())
    assert list(rows[0]) == RECENT_COLUMNS
    expected = recent_tickets(raw, sel)
    assert len(rows) == len(expected) == min(500, len(raw.rows(TICKETS, sel)))
    for row, (_, ticket) in zip(rows, expected.iterrows(), strict=True):
        assert row == {c: csv_text(ticket[c]) for c in RECENT_COLUMNS}, ticket["TICKET_ID"]


def test_the_range_has_more_than_500_tickets_so_the_limit_is_exercised(raw, selections):
    assert len(raw.rows(TICKETS, selections["range"])) > 500


# --- 3. Drawing -----------------------------------------------------------------------------------

TRACE_TYPES = {
    "volume_by_priority": {"scatter"},
    "categories": {"treemap"},
    "recurrence": {"sankey"},
    "csat_by_priority": {"bar"},
    "priority_sentiment": {"bar", "scatter"},  # the sentiment as a line on the right-hand axis
    "tickets_per_customer": {"bar"},
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
    assert {trace["type"] for trace in fig["data"]} == TRACE_TYPES[chart_id]


def test_volume_by_priority_stacks_one_area_per_priority(signed_in, selections):
    fig = figure(signed_in, "volume_by_priority", selections["range"].query())
    assert [trace["name"] for trace in fig["data"]] == list(PRIORITY_ORDER)
    assert all(trace.get("stackgroup") for trace in fig["data"])


def test_priority_sentiment_puts_the_sentiment_on_a_second_axis(signed_in, selections):
    fig = figure(signed_in, "priority_sentiment", selections["range"].query())
    assert [(trace["type"], trace.get("yaxis", "y")) for trace in fig["data"]] == [
        ("bar", "y"),
        ("scatter", "y2"),
    ]


def test_the_recent_tickets_table_links_tickets_to_the_helpdesk_and_customers_to_their_page(
    signed_in, raw, selections, settings
):
    sel = selections["range"]
    html = signed_in.get(f"/w/{SLUG}/chart/recent_tickets/?{sel.query()}").content.decode()
    newest = recent_tickets(raw, sel).iloc[0]
    ticket_url = settings.HELPDESK_TICKET_URL.format(id=newest["EXTERNAL_TICKET_ID"])
    assert f'href="{ticket_url}"' in html
    assert re.search(rf'<a href="[^"]*{newest["CUSTOMER_ID"]}[^"]*">{newest["CUSTOMER_ID"]}</a>', html)


def test_the_workspace_page_shows_the_kpis_and_its_tabs(signed_in, selections):
    html = signed_in.get(f"/w/{SLUG}/?{selections['range'].query()}").content.decode()
    for title in ("Open backlog", "P90 resolution time", "Resolved within target", "Average CSAT"):
        assert title in html
    for tab in ("Volume", "Priority &amp; satisfaction", "Recent tickets"):
        assert tab in html


def test_the_resolution_target_comes_from_the_settings(signed_in, raw, selections, settings):
    settings.SUPPORT_RESOLUTION_TARGET_HOURS = 8
    sel = selections[SELECTIONS[0]]
    rows = get_csv(signed_in, "kpi_resolved_within_target", sel.query())
    expected = kpi_resolved_within_target(raw, sel, target_hours=8)
    assert expected != kpi_resolved_within_target(raw, sel)
    assert abs(float(rows[0]["VALUE"]) - expected) < 1e-9
