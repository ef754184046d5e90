"""A week or month the date range cuts short is marked as partial on a time axis."""

import datetime as dt

from dashboards.charts.partial import mark_partial, partial_periods
from dashboards.filters import Filters


def _filters(start: dt.date, end: dt.date) -> Filters:
    return Filters("custom", start, end)


def _figure(xs: list[str]) -> dict:
    return {"data": [{"type": "bar", "x": xs, "y": [1] * len(xs)}], "layout": {"xaxis": {"type": "date"}}}


def test_the_last_month_cut_by_the_range_is_marked_partial_and_full_months_are_not():
    figure = mark_partial(
        _figure(["2026-03-01", "2026-04-01", "2026-05-01"]),
        _filters(dt.date(2026, 3, 1), dt.date(2026, 5, 19)),
    )
    notes = [a["text"] for a in figure["layout"]["annotations"]]
    assert notes == ["partial month"]
    assert figure["layout"]["annotations"][0]["x"] == "2026-05-01"


def test_weeks_starting_before_the_range_and_ending_after_it_are_both_partial():
    starts = [dt.date(2026, 3, 2) + dt.timedelta(days=7 * i) for i in range(4)]
    kind, cut = partial_periods(starts, _filters(dt.date(2026, 3, 4), dt.date(2026, 3, 25)))
    assert kind == "week"
    assert [start for start, _ in cut] == [starts[0], starts[-1]]


def test_daily_points_are_never_marked():
    days = [f"2026-03-{d:02d}" for d in range(1, 10)]
    figure = mark_partial(_figure(days), _filters(dt.date(2026, 3, 1), dt.date(2026, 3, 9)))
    assert "annotations" not in figure["layout"]


def test_a_range_of_whole_months_marks_nothing():
    figure = mark_partial(
        _figure(["2026-03-01 00:00:00", "2026-04-01 00:00:00"]),
        _filters(dt.date(2026, 3, 1), dt.date(2026, 4, 30)),
    )
    assert "shapes" not in figure["layout"]
