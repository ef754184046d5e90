"""Charts that read well: hover text formatted as the axes, a tick for every star, slanted long
categories, radar ticks off the centre, and click to filter declared on the chart spec."""

import datetime as dt
from dataclasses import replace

from dashboards.charts.builders import build_figure
from dashboards.charts.crossfilter import cross_filter_targets
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.spec import Chart, Fmt, Kind
from dashboards.filters import FILTERS
from dashboards.warehouse.result import Result


def _chart(**kw) -> Chart:
    return Chart(id="c", title="C", sql="x.sql", description="d", **kw)


def test_money_hover_text_carries_the_currency_symbol_and_dates_their_axis_format(settings):
    settings.CURRENCY_SYMBOL = "$"
    chart = _chart(kind=Kind.BAR, x="DAY", y=("REVENUE",), fmt=Fmt.MONEY)
    days = [dt.date(2026, 11, d) for d in range(1, 11)]
    fig = build_figure(chart, Result(("DAY", "REVENUE"), tuple((d, 10.5 * i) for i, d in enumerate(days))))
    template = fig["data"][0]["hovertemplate"]
    assert template.startswith("%{x|%d %b %Y}") and "$%{y:,.2f}" in template
    assert "Revenue" in template


def test_shares_hover_as_percentages():
    chart = _chart(kind=Kind.HBAR, x="STAGE", y=("SHARE",), fmt=Fmt.PCT)
    fig = build_figure(chart, Result(("STAGE", "SHARE"), (("a", 0.5), ("b", 0.25))))
    assert "%{x:.1%}" in fig["data"][0]["hovertemplate"] and "%{y}" in fig["data"][0]["hovertemplate"]


def test_a_rating_histogram_has_a_tick_for_every_star():
    chart = _chart(kind=Kind.BAR, x="REVIEW_RATING", y=("REVIEWS",), fmt=Fmt.INT)
    fig = build_figure(chart, Result(("REVIEW_RATING", "REVIEWS"), tuple((s, s * 10) for s in range(1, 6))))
    assert fig["layout"]["xaxis"]["dtick"] == 1


def test_long_category_names_are_slanted_not_vertical():
    chart = _chart(kind=Kind.BAR, x="CATEGORY", y=("REVENUE",), fmt=Fmt.MONEY)
    names = ["Home & Kitchen", "Electronics", "Sports & Outdoors", "Beauty care", "Toys and games"]
    fig = build_figure(chart, Result(("CATEGORY", "REVENUE"), tuple((n, 1.0) for n in names)))
    assert fig["layout"]["xaxis"]["tickangle"] == -30


def test_radar_ticks_run_along_one_spoke():
    chart = _chart(kind=Kind.RADAR, x="LANG", y=("R",))
    fig = build_figure(chart, Result(("LANG", "R"), (("en", 1.0), ("fr", 2.0), ("de", 3.0))))
    radial = fig["layout"]["polar"]["radialaxis"]
    assert radial["angle"] == 90 and radial["tickfont"]["size"] < 13


def test_every_declared_click_to_filter_maps_a_drawn_column_to_a_real_filter():
    params = {f.param for f in FILTERS}
    declared = [c for ws in WORKSPACES.values() for c in ws.charts if c.cross_filter]
    assert len(declared) >= 8
    for chart in declared:
        assert set(chart.cross_filter.values()) <= params, chart.id
        assert set(chart.cross_filter) <= {chart.x, chart.series}, chart.id
        assert cross_filter_targets(chart), chart.id


def _two_on_the_right(tickets: str, rating: str) -> dict:
    chart = _chart(
        kind=Kind.BAR,
        x="SEG",
        y=("S",),
        y2=("AVG_TICKETS", "AVG_RATING"),
        labels={"AVG_TICKETS": tickets, "AVG_RATING": rating},
    )
    fig = build_figure(chart, Result(("SEG", "S", "AVG_TICKETS", "AVG_RATING"), (("High", 0.1, 2.0, 4.0),)))
    assert fig is not None
    return fig


def test_a_right_axis_holding_two_measures_names_both():
    fig = _two_on_the_right("Tickets", "Rating")
    assert fig["layout"]["yaxis2"]["title"]["text"] == "Tickets · Rating"
    assert fig["layout"]["margin"]["r"] == 66


def test_a_long_right_axis_title_takes_a_line_per_measure_and_the_room_for_it():
    fig = _two_on_the_right("Tickets per customer", "Average rating")
    assert fig["layout"]["yaxis2"]["title"]["text"] == "Tickets per customer<br>Average rating"
    assert fig["layout"]["margin"]["r"] > 66


def test_a_right_axis_of_counts_reads_and_hovers_in_whole_numbers_with_round_ticks_of_its_own():
    from decimal import Decimal

    chart = _chart(kind=Kind.LINE, x="DAY", y=("AVG",), y2=("TICKETS",), fmt=Fmt.FLOAT2)
    counts = Result(
        ("DAY", "AVG", "TICKETS"), ((dt.date(2026, 1, 5), 0.3, 2399), (dt.date(2026, 1, 12), 0.33, 2083))
    )
    fig = build_figure(chart, counts)
    right = fig["layout"]["yaxis2"]
    assert right["tickformat"] == ",~r" and right["hoverformat"] == ",.0f"
    assert right["tickmode"] == "auto"  # not Plotly's default for a second axis, "sync" (ticks at 2083, 2399)
    tickets = next(t for t in fig["data"] if t.get("yaxis") == "y2")
    assert ":,.0f}" in tickets["hovertemplate"] and ":,.2f}" not in tickets["hovertemplate"]
    # NUMBER(38,0) from Snowflake as a Decimal is a count too; averages keep two decimals.
    decimals = Result(counts.columns, tuple((d, a, Decimal(t)) for d, a, t in counts.rows))
    assert build_figure(chart, decimals)["layout"]["yaxis2"]["hoverformat"] == ",.0f"
    averages = Result(counts.columns, ((dt.date(2026, 1, 5), 0.3, 2.5), (dt.date(2026, 1, 12), 0.33, 2)))
    fig = build_figure(chart, averages)
    assert fig["layout"]["yaxis2"]["hoverformat"] == ",.2f" and "tickformat" not in fig["layout"]["yaxis2"]


def test_a_scatter_over_star_ratings_has_a_tick_for_every_star():
    chart = _chart(kind=Kind.SCATTER, x="REVIEW_RATING", y=("SENTIMENT",), fmt=Fmt.FLOAT2)
    rows = tuple((s, 0.1 * s) for s in range(1, 6))
    fig = build_figure(chart, Result(("REVIEW_RATING", "SENTIMENT"), rows))
    assert fig["layout"]["xaxis"]["dtick"] == 1


def test_a_flow_node_keeps_its_colour_at_every_step():
    """'Billing' and 'Billing (next)' are one category, 'web (1st)' and 'web (2nd)' one channel: each
    pair is drawn in one colour, and different categories in different colours."""
    chart = _chart(kind=Kind.SANKEY, x="SOURCE", target="TARGET", y=("N",), fmt=Fmt.INT)
    rows = (
        ("Billing", "Shipping (next)", 5),
        ("Shipping", "Billing (next)", 4),
        ("Billing", "Billing (next)", 3),
        ("Returns", "Returns (next)", 2),
    )
    trace = build_figure(chart, Result(("SOURCE", "TARGET", "N"), rows))["data"][0]
    colour = dict(zip(trace["node"]["label"], trace["node"]["color"], strict=True))
    assert colour["Billing"] == colour["Billing (next)"]
    assert colour["Shipping"] == colour["Shipping (next)"]
    assert colour["Returns"] == colour["Returns (next)"]
    assert len({colour["Billing"], colour["Shipping"], colour["Returns"]}) == 3
    # A link takes its source's colour, so the flows out of one category read as one.
    sources = [trace["node"]["label"][i] for i in trace["link"]["source"]]
    assert (
        trace["link"]["color"][sources.index("Shipping")] != trace["link"]["color"][sources.index("Billing")]
    )

    steps = Result(("SOURCE", "TARGET", "N"), (("web (1st)", "web (2nd)", 9), ("web (2nd)", "app (3rd)", 4)))
    trace = build_figure(chart, steps)["data"][0]
    colour = dict(zip(trace["node"]["label"], trace["node"]["color"], strict=True))
    assert colour["web (1st)"] == colour["web (2nd)"] != colour["app (3rd)"]


def test_a_flow_names_its_nodes_in_full_on_hover_and_offers_them_without_their_step():
    chart = _chart(kind=Kind.SANKEY, x="SOURCE", target="TARGET", y=("N",), fmt=Fmt.INT)
    three = Result(
        ("SOURCE", "TARGET", "N"),
        (("web (1st)", "web (2nd)", 9), ("web (2nd)", "app (3rd)", 4), ("app (1st)", "web (2nd)", 2)),
    )
    trace = build_figure(chart, three)["data"][0]
    assert (
        trace["node"]["customdata"]
        == trace["node"]["label"]
        == ["web (1st)", "web (2nd)", "app (1st)", "app (3rd)"]
    )
    assert trace["meta"] == {
        "short_labels": ["web", "web", "app", "app"],
        "steps": 3,
        "ends": [False, False, False, True],  # "app (3rd)" is never a source: the last column
    }
    assert "%{customdata}" in trace["node"]["hovertemplate"]
    assert trace["link"]["customdata"] == [
        "web (1st) → web (2nd)",
        "web (2nd) → app (3rd)",
        "app (1st) → web (2nd)",
    ]
    assert trace["link"]["hovertemplate"].startswith("%{customdata}: ")
    two = Result(
        ("SOURCE", "TARGET", "N"), (("Billing", "Billing (next)", 3), ("Returns", "Billing (next)", 1))
    )
    assert build_figure(chart, two)["data"][0]["meta"]["steps"] == 2


def test_number_and_date_axes_make_room_for_their_labels_instead_of_hiding_them():
    """Plotly's default on number and date axes hides a tick label that would pass the plot's edge (the
    current month's, at the right), measuring every label each draw; these axes let automargin make
    room instead, so every label shows."""
    months = [dt.date(2026, m, 1) for m in range(1, 13)]
    line = build_figure(
        _chart(kind=Kind.LINE, x="MONTH", y=("REVENUE",), fmt=Fmt.MONEY),
        Result(("MONTH", "REVENUE"), tuple((m, 10.0 * i) for i, m in enumerate(months))),
    )["layout"]
    dots = build_figure(
        _chart(kind=Kind.SCATTER, x="A", y=("B",)), Result(("A", "B"), ((0.5, 1.5), (2.5, 3.5)))
    )["layout"]
    for axis in (line["xaxis"], line["yaxis"], dots["xaxis"], dots["yaxis"]):
        assert axis["ticklabeloverflow"] == "allow" and axis["automargin"] is True


def test_a_heatmap_names_monthly_date_rows_as_months_and_keeps_values_a_click_filters_by():
    cohorts = [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    rows = tuple((c, m, 0.5) for c in cohorts for m in (0, 1))
    result = Result(("COHORT", "MONTHS", "SHARE"), rows)
    chart = _chart(kind=Kind.HEATMAP, x="MONTHS", series="COHORT", y=("SHARE",), fmt=Fmt.PCT)
    trace = build_figure(chart, result)["data"][0]
    assert trace["y"] == ["Jan 2026", "Feb 2026"] and trace["x"] == [0, 1]
    assert trace["z"] == [[0.5, 0.5], [0.5, 0.5]]
    days = Result(("DAY", "MONTHS", "SHARE"), ((dt.date(2026, 1, 5), 0, 0.2), (dt.date(2026, 1, 6), 0, 0.3)))
    daily = replace(chart, series="DAY")
    assert build_figure(daily, days)["data"][0]["y"] == ["05 Jan 2026", "06 Jan 2026"]
    # A row a click turns into a page filter keeps the value the filter reads.
    clicked = replace(chart, cross_filter={"COHORT": "persona"})
    assert build_figure(clicked, result)["data"][0]["y"] == ["2026-01-01", "2026-02-01"]
