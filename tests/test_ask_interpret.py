"""The offline interpreter on its own: time phrases, typos, ambiguity and refusals (no warehouse needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards.ask.interpret import Interpreter, Plan, Refusal
from dashboards.ask.model import semantic_model
from dashboards.ask.timerange import find_range

FIRST, LAST = dt.date(2024, 6, 30), dt.date(2026, 6, 30)
VALUES = {
    "region": ["APAC", "EMEA", "LATAM", "NA"],
    "churn_risk": ["High", "Low", "Medium"],
    "upsell_opportunity": ["High", "Low", "Medium"],
    "priority": ["High", "Low", "Medium", "Urgent"],
    "resolved_priority": ["High", "Low", "Medium", "Urgent"],
    "persona": ["Loyal Advocate", "Bargain Hunter"],
    "country": ["IN", "US"],
}


def interpret(question: str) -> Plan | Refusal:
    return Interpreter(semantic_model(), VALUES).interpret(question, first_day=FIRST, last_day=LAST)


@pytest.mark.parametrize(
    "phrase,start,end",
    [
        ("last month", dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
        ("last 90 days", dt.date(2026, 4, 2), LAST),
        ("q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("q1 2025", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("this year", dt.date(2026, 1, 1), LAST),
        ("since march", dt.date(2026, 3, 1), LAST),
        ("since september", dt.date(2025, 9, 1), LAST),
        ("in 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("last quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("last week", dt.date(2026, 6, 22), dt.date(2026, 6, 28)),
        ("ytd", dt.date(2026, 1, 1), LAST),
    ],
)
def test_time_phrases_count_back_from_the_last_day_with_data(
    phrase: str, start: dt.date, end: dt.date
) -> None:
    found, rest = find_range(f"revenue {phrase}", first=FIRST, last=LAST)
    assert found is not None and (found.date_from, found.date_to) == (start, end)
    assert rest == "revenue"


def test_it_says_what_it_understood() -> None:
    plan = interpret("Avg order value by region last quarter")
    assert isinstance(plan, Plan)
    assert plan.describe() == "Average order value · by region · last quarter (1 Jan 2026 – 31 Mar 2026)"  # noqa: RUF001


def test_case_plurals_and_small_typos_are_tolerated() -> None:
    plan = interpret("REVENUE BY REGIONS for loyal advocates in emea")
    assert isinstance(plan, Plan)
    assert [d.name for d in plan.group_by] == ["region"]
    assert {d.name: v for d, v in plan.filters} == {"persona": ("Loyal Advocate",), "region": ("EMEA",)}
    typo = interpret("averge sentimnet by chanel")
    assert isinstance(typo, Plan) and typo.metrics[0].name == "average_sentiment"


def test_an_ambiguous_value_asks_which_was_meant() -> None:
    answer = interpret("customers with high")
    assert isinstance(answer, Refusal) and answer.status == "clarify"
    assert "churn risk" in answer.message and "upsell opportunity" in answer.message


def test_a_neighbouring_word_resolves_the_value() -> None:
    plan = interpret("tickets with high priority")
    assert isinstance(plan, Plan) and [(d.name, v) for d, v in plan.filters] == [("priority", ("High",))]


def test_unknown_words_are_named_and_nothing_is_guessed() -> None:
    answer = interpret("revenue by zodiac sign")
    assert isinstance(answer, Refusal) and answer.status == "declined"
    assert answer.unknown == ("zodiac", "sign")


def test_no_measure_asks_for_one() -> None:
    answer = interpret("by region last month")
    assert isinstance(answer, Refusal) and answer.status == "clarify"


def test_top_n_lowest_n_and_comparisons_are_read() -> None:
    top = interpret("top 3 personas by revenue")
    low = interpret("lowest 5 regions by average csat")
    compare = interpret("revenue last month vs previous period")
    assert isinstance(top, Plan) and (top.order, top.limit) == ("desc", 3)
    assert isinstance(low, Plan) and (low.order, low.limit) == ("asc", 5)
    assert isinstance(compare, Plan) and compare.compare
    assert compare.time is not None and compare.time.previous().date_to == dt.date(2026, 4, 30)
