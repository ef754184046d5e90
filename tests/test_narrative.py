"""narrate(): sentences written only from two hand-made results, about what moved and who moved it."""

from __future__ import annotations

from typing import Any

import pytest

from dashboards.charts.narrative import narrate
from dashboards.charts.spec import Chart, Fmt, Kind
from dashboards.warehouse.result import Result

CHART = Chart(
    id="changes", title="What changed", sql="x.sql", kind=Kind.NARRATIVE, description="", compare=True
)
COLUMNS = ("METRIC", "SEGMENT_TYPE", "SEGMENT", "VALUE", "OBSERVATIONS", "FMT")


def result(*rows: tuple[Any, ...]) -> Result:
    return Result(COLUMNS, tuple(rows))


def total(metric: str, value: Any, observations: Any = None, fmt: str = "int") -> tuple[Any, ...]:
    return (metric, None, None, value, observations, fmt)


def seg(metric: str, kind: str, name: str, value: Any, observations: Any = None, fmt: str = "int"):
    return (metric, kind, name, value, observations, fmt)


# Orders: 100 -> 150 (+50%), all of it from the region North (+60) while South fell 10.
# Score: an average over observations, 0.50 -> 0.40.
PREVIOUS = result(
    total("Orders", 100),
    seg("Orders", "region", "North", 40),
    seg("Orders", "region", "South", 60),
    total("Score", 0.5, 10, "float2"),
    seg("Score", "region", "North", 0.5, 5, "float2"),
    seg("Score", "region", "South", 0.5, 5, "float2"),
    total("Takings", 1000.0, None, "money"),
)
CURRENT = result(
    total("Orders", 150),
    seg("Orders", "region", "North", 100),
    seg("Orders", "region", "South", 50),
    total("Score", 0.4, 10, "float2"),
    seg("Score", "region", "North", 0.2, 5, "float2"),
    seg("Score", "region", "South", 0.6, 5, "float2"),
    total("Takings", 1010.0, None, "money"),
)


def test_nothing_to_say_about_an_empty_result():
    assert narrate(CHART, result(), PREVIOUS) == []


def test_the_first_sentence_counts_the_measures_that_rose_and_fell():
    sentences = narrate(CHART, CURRENT, PREVIOUS)
    assert sentences[0] == "Against the previous period, 2 of 3 measures rose and 1 fell."


def test_the_measure_that_moved_most_comes_first_with_both_values_and_the_change():
    sentences = narrate(CHART, CURRENT, PREVIOUS)
    assert sentences[1] == "Orders rose to 150 from 100 (+50.0%)."
    # Score moved by a fifth, Takings by a hundredth: Score next, formatted as a float with points.
    assert sentences[3] == "Score fell to 0.40 from 0.50 (-0.10)."
    assert sentences.index("Takings rose to $1,010.00 from $1,000.00 (+1.0%).") > 3


def test_the_segment_that_drove_a_total_is_named_with_its_part_and_share():
    sentences = narrate(CHART, CURRENT, PREVIOUS)
    assert sentences[2] == "Most of the rise came from the North region (+60, 120% of the rise)."


def test_a_segment_that_moved_against_the_change_is_not_named_as_a_driver():
    sentences = narrate(CHART, CURRENT, PREVIOUS)
    assert "South" not in sentences[2]


def test_an_averages_drivers_are_weighted_by_their_observations():
    sentences = narrate(CHART, CURRENT, PREVIOUS)
    # North's part of the average fell from 0.5 x 5/10 to 0.2 x 5/10: -0.15 of a -0.10 change.
    assert sentences[4] == "Most of the fall came from the North region (150% of the fall)."


def test_segments_of_several_types_are_ranked_together_by_their_part():
    previous = result(
        total("Orders", 100),
        seg("Orders", "region", "North", 50),
        seg("Orders", "region", "South", 50),
        seg("Orders", "channel", "web", 30),
        seg("Orders", "channel", "phone", 70),
    )
    current = result(
        total("Orders", 200),
        seg("Orders", "region", "North", 110),
        seg("Orders", "region", "South", 90),
        seg("Orders", "channel", "web", 105),
        seg("Orders", "channel", "phone", 95),
    )
    assert narrate(CHART, current, previous)[2] == (
        "Most of the rise came from the web channel (+75, 75% of the rise) "
        "and the North region (+60, 60% of the rise)."
    )


def test_without_a_previous_period_it_says_so_and_gives_this_periods_values():
    for previous in (None, result()):
        assert narrate(CHART, CURRENT, previous) == [
            "There is no previous period to compare with.",
            "This period: Orders 150; Score 0.40; Takings $1,010.00.",
        ]


def test_a_measure_without_a_value_in_one_period_is_named_as_not_compared():
    current = result(total("Orders", 150), total("Score", None, None, "float2"))
    previous = result(total("Orders", 100), total("Score", 0.5, 10, "float2"), total("Gone", 3))
    sentences = narrate(CHART, current, previous)
    assert sentences[0] == "Against the previous period, 1 of 1 measures rose and 0 fell."
    assert sentences[-1] == "Not compared, as one of the periods has no value: Score, Gone."


def test_unchanged_measures_are_counted_but_not_described():
    current = result(total("Orders", 100), total("Visits", 7))
    previous = result(total("Orders", 100), total("Visits", 5))
    sentences = narrate(CHART, current, previous)
    assert sentences[0] == "Against the previous period, 1 of 2 measures rose and 0 fell; 1 did not change."
    assert not any(s.startswith("Orders") for s in sentences)


def test_beyond_the_three_largest_moves_the_rest_are_listed_briefly():
    names = ["A", "B", "C", "D", "E"]
    previous = result(*(total(n, 100) for n in names))
    current = result(*(total(n, 100 + 10 * (i + 1)) for i, n in enumerate(names)))
    sentences = narrate(CHART, current, previous)
    assert sentences[1:4] == [
        "E rose to 150 from 100 (+50.0%).",
        "D rose to 140 from 100 (+40.0%).",
        "C rose to 130 from 100 (+30.0%).",
    ]
    assert sentences[4] == "Smaller moves: B (+20.0%), A (+10.0%)."


def test_a_measure_new_in_this_period_counts_as_the_largest_move():
    current = result(total("Orders", 110), total("Refunds", 4))
    previous = result(total("Orders", 100), total("Refunds", 0))
    assert narrate(CHART, current, previous)[1] == "Refunds rose to 4 from 0 (new)."


def test_only_metric_and_value_are_needed_and_the_charts_format_applies():
    chart = Chart(
        id="c", title="t", sql="x.sql", kind=Kind.NARRATIVE, description="", compare=True, fmt=Fmt.PCT
    )
    columns = ("METRIC", "VALUE")
    current = Result(columns, (("Share", 0.25),))
    previous = Result(columns, (("Share", 0.2),))
    assert narrate(chart, current, previous)[1] == "Share rose to 25.0% from 20.0% (+5.0 pts)."


@pytest.mark.parametrize("word", ["North", "South", "Orders", "Score", "Takings"])
def test_no_name_in_the_sentences_comes_from_anywhere_but_the_data(word):
    renamed = {
        "North": "Nord",
        "South": "Sud",
        "Orders": "Bestellungen",
        "Score": "Wert",
        "Takings": "Umsatz",
    }

    def rename(res: Result) -> Result:
        return Result(res.columns, tuple(tuple(renamed.get(v, v) for v in row) for row in res.rows))

    text = " ".join(narrate(CHART, rename(CURRENT), rename(PREVIOUS)))
    assert word not in text
    assert renamed[word] in text or word == "South"
