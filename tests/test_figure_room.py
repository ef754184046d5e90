"""Figures give their labels room from the start (dashboards/charts/figures/room.py and the margins the
builders set), so Plotly's automargin need not grow the margins and draw a plot twice."""

from dataclasses import replace

from dashboards.charts.builders import build_figure
from dashboards.charts.figures.common import TITLE_STANDOFF_PX, text_px
from dashboards.charts.figures.room import CARD_PX, legend_rows
from dashboards.charts.spec import Chart, Fmt, Kind
from dashboards.warehouse.result import Result
from exports.images import for_paper

BARS = Chart(id="b", title="B", sql="x.sql", kind=Kind.BAR, description="", x="X", y=("V",), series="S")


def _result(rows: list[tuple[object, ...]], columns: tuple[str, ...] = ("X", "S", "V")) -> Result:
    return Result(columns=columns, rows=tuple(rows))


def test_a_legend_wraps_to_the_rows_its_names_need():
    assert legend_rows(["High"], 300) == 1
    assert legend_rows(["High", "Medium", "Low"], 300) == 1
    assert legend_rows(["A rather long series name"] * 3, 300) == 3
    assert legend_rows(["A rather long series name"] * 3, 1000) == 1


def test_the_top_margin_grows_with_the_legend_rows_and_narrower_cards_get_more():
    few = _result([("a", "One", 1), ("a", "Two", 2)])
    many = _result([("a", f"A rather long series name {i}", i) for i in range(6)])
    top = {
        (name, width): build_figure(replace(BARS, width=width), result)["layout"]["margin"]["t"]
        for name, result in (("few", few), ("many", many))
        for width in (1, 3)
    }
    assert top["few", 1] < top["many", 1]
    assert top["many", 3] < top["many", 1]
    rows = legend_rows([f"A rather long series name {i}" for i in range(6)], CARD_PX[1] - 66)
    assert top["many", 1] >= 26 + 20 * rows


def test_horizontal_bars_and_heatmap_rows_leave_room_for_their_longest_name():
    long_name = "A category with a long name"
    hbar = replace(BARS, kind=Kind.HBAR, series="")
    short = build_figure(hbar, _result([("Low", 1)], ("X", "V")))["layout"]["margin"]["l"]
    long = build_figure(hbar, _result([("Low", 1), (long_name, 2)], ("X", "V")))["layout"]["margin"]["l"]
    assert long > short and long >= 7 * len(long_name)
    heat = replace(BARS, kind=Kind.HEATMAP)
    margin = build_figure(heat, _result([("a", long_name, 1), ("b", "Low", 2)]))["layout"]["margin"]
    assert margin["l"] >= 7 * len(long_name) and margin["r"] >= 70  # the colour bar's room too


def test_a_legend_that_does_not_fit_one_row_is_a_grid_of_its_widest_entry_as_plotly_lays_it_out():
    # Side by side the short names would share a row with the long one; in Plotly's grid every column
    # is as wide as the widest entry, so each takes a row of its own.
    assert legend_rows(["A rather long series name", "x", "y"], 300) == 3
    # Measured in Chromium: these three took three rows of a 201 px wide plot.
    assert legend_rows(["Neutral", "Positive", "Negative"], 201) == 3
    assert legend_rows(["Neutral", "Positive", "Negative"], 230) == 2


def test_a_donut_gives_its_legend_of_slices_room_above_it():
    donut = replace(BARS, kind=Kind.DONUT, series="")
    names = ["Silent Majority", "Loyal Advocate", "At-Risk Detractor", "New Explorer", "Bargain Hunter"]
    figure = build_figure(donut, _result([(n, i + 1) for i, n in enumerate(names)], ("X", "V")))
    margin = figure["layout"]["margin"]
    rows = legend_rows(names, CARD_PX[1] - margin["l"] - margin["r"])
    assert rows >= 3 and margin["t"] >= 31 + 20 * rows


def test_slanted_names_get_room_below_and_the_first_one_room_on_the_left():
    names = ["Silent Majority", "Loyal Advocate", "Bargain Hunter", "At-Risk Detractor", "Support Heavy"]
    bars = replace(BARS, series="")
    crowded = build_figure(bars, _result([(n, 10) for n in names], ("X", "V")))["layout"]
    few = build_figure(bars, _result([("Low", 10), ("High", 12)], ("X", "V")))["layout"]
    assert crowded["xaxis"]["tickangle"] == -30
    assert crowded["margin"]["b"] >= text_px("At-Risk Detractor") / 2 + 40 > few["margin"]["b"] == 62
    assert crowded["margin"]["l"] > few["margin"]["l"]
    # Three names too wide for a third each of a narrow plot: Plotly slants them too.
    segments = ["High Value", "Medium Value", "Low Value"]
    auto = build_figure(replace(bars, y2=("W",)), _result([(n, 1, 2) for n in segments], ("X", "V", "W")))
    assert "tickangle" not in auto["layout"]["xaxis"]
    assert auto["layout"]["margin"]["b"] >= text_px("Medium Value") / 2 + 40


def test_the_left_margin_holds_the_widest_whole_number_of_the_axis_and_of_a_stack():
    counts = replace(BARS, fmt=Fmt.INT)
    small = build_figure(counts, _result([("a", "One", 5), ("a", "Two", 7)]))["layout"]["margin"]["l"]
    large = build_figure(counts, _result([("a", "One", 80_000), ("a", "Two", 7)]))["layout"]["margin"]["l"]
    assert small == 66 and large >= text_px("80,000") + 30
    parts = _result([("a", "One", 6_000), ("a", "Two", 6_000)])
    grouped = build_figure(counts, parts)["layout"]["margin"]["l"]
    stacked = build_figure(replace(counts, stacked=True), parts)["layout"]["margin"]["l"]
    assert stacked >= text_px("12,000") + 30 > grouped


def test_a_wide_card_carries_the_margins_of_a_one_column_card_for_a_phone():
    many = _result([("a", f"Series {i}", i) for i in range(6)])
    wide = build_figure(replace(BARS, width=3), many)["layout"]
    narrow = wide["meta"]["narrow_margin"]
    assert narrow["t"] > wide["margin"]["t"]
    assert narrow == build_figure(replace(BARS, width=1), many)["layout"]["margin"]
    assert "narrow_margin" not in build_figure(replace(BARS, width=1), many)["layout"].get("meta", {})


def test_the_x_axis_title_stands_just_below_its_tick_labels_and_a_names_title_clear_of_them():
    layout = build_figure(BARS, _result([("a", "One", 1)]))["layout"]
    assert layout["xaxis"]["title"] == {"standoff": TITLE_STANDOFF_PX, "text": "X"}
    assert "standoff" not in layout["yaxis"]["title"]  # a value axis: where Plotly puts it
    hbar = build_figure(replace(BARS, kind=Kind.HBAR, series=""), _result([("Low", 1)], ("X", "V")))
    assert hbar["layout"]["yaxis"]["title"]["standoff"] == TITLE_STANDOFF_PX  # names down the left


def test_a_narrow_card_carries_the_margins_of_a_page_wide_drawing_which_the_pdf_uses():
    many = _result([("a", f"Series {i}", i) for i in range(6)])
    card = build_figure(replace(BARS, width=1), many)
    paper = for_paper(card)["layout"]["margin"]
    assert paper == card["layout"]["meta"]["paper_margin"]
    assert paper["t"] < card["layout"]["margin"]["t"]  # the legend's one row across the page
    assert "paper_margin" not in build_figure(replace(BARS, width=3), many)["layout"].get("meta", {})
