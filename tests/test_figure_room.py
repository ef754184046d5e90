"""Figures give their labels room from the start (dashboards/charts/figures/room.py and the margins the
builders set), so Plotly's automargin need not grow the margins and draw a plot twice."""

from dataclasses import replace

from dashboards.charts.builders import build_figure
from dashboards.charts.figures.room import CARD_PX, legend_rows
from dashboards.charts.spec import Chart, Kind
from dashboards.warehouse.result import Result

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
