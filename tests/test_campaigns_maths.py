"""The simulator's maths, checked against hand-written formulas and with property tests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards.campaigns.maths import (
    Assumptions,
    Audience,
    InputError,
    breakeven_acceptance,
    breakeven_uplift,
    grid,
    parse_assumptions,
    recommend,
    sensitivity,
    simulate,
)

AUDIENCE = Audience(customers=1000, expected_churners=300.0, annual_value_at_risk=240_000.0)
INPUTS = Assumptions(cost_per_contact=2.0, incentive=10.0, acceptance=0.2, uplift=0.3, horizon_months=6)


def test_a_simulation_adds_up_like_the_formulas_by_hand() -> None:
    out = simulate(AUDIENCE, INPUTS)
    # By hand: 1000 contacted, 200 accept, 300 * 0.2 * 0.3 = 18 retained; value at risk over 6 months
    # is 120,000, of which 0.2 * 0.3 = 6 % is kept: 7,200; cost 2,000 + 200 * 10 = 4,000.
    assert out.contacted == 1000
    assert out.accepted == pytest.approx(200)
    assert out.retained == pytest.approx(18)
    assert out.contact_cost == pytest.approx(2000)
    assert out.incentive_cost == pytest.approx(2000)
    assert out.cost == pytest.approx(4000)
    assert out.retained_revenue == pytest.approx(7200)
    assert out.net == pytest.approx(3200)
    assert out.roi == pytest.approx(0.8)


def test_breakeven_uplift_makes_revenue_equal_cost() -> None:
    # 120,000 * 0.2 * u = 4,000  ->  u = 1/6
    assert breakeven_uplift(AUDIENCE, INPUTS) == pytest.approx(1 / 6)
    at = simulate(AUDIENCE, Assumptions(2.0, 10.0, 0.2, 1 / 6, 6))
    assert at.net == pytest.approx(0, abs=1e-6)


def test_breakeven_acceptance_makes_revenue_equal_cost() -> None:
    # 120,000 * 0.3 * x = 2,000 + 1000 * 10 * x  ->  x = 2000 / 26000
    assert breakeven_acceptance(AUDIENCE, INPUTS) == pytest.approx(2000 / 26000)
    at = simulate(AUDIENCE, Assumptions(2.0, 10.0, 2000 / 26000, 0.3, 6))
    assert at.net == pytest.approx(0, abs=1e-6)


def test_breakevens_that_cannot_be_reached_are_none() -> None:
    costly = Assumptions(cost_per_contact=500.0, incentive=10.0, acceptance=0.2, uplift=0.3, horizon_months=6)
    assert breakeven_uplift(AUDIENCE, costly) is None  # needs more than 100 %
    generous = Assumptions(
        cost_per_contact=2.0, incentive=1000.0, acceptance=0.2, uplift=0.3, horizon_months=6
    )
    assert breakeven_acceptance(AUDIENCE, generous) is None  # each acceptance costs more than it keeps


def test_the_sensitivity_grid_is_roi_at_each_acceptance_and_uplift() -> None:
    uplifts, acceptances = [0.0, 0.5, 1.0], [0.1, 0.4]
    table = sensitivity(AUDIENCE, INPUTS, uplifts, acceptances)
    for i, x in enumerate(acceptances):
        for j, u in enumerate(uplifts):
            cost = 1000 * 2.0 + 1000 * x * 10.0
            expected = (120_000 * x * u - cost) / cost
            assert table[i][j] == pytest.approx(expected)


def test_the_grid_includes_the_chosen_rate() -> None:
    points = grid(0.137)
    assert 0.137 in points and points[0] == 0 and points[-1] == 1 and points == sorted(points)


def test_a_zero_audience_costs_nothing_and_has_no_roi() -> None:
    out = simulate(Audience(0, 0.0, 0.0), INPUTS)
    assert (out.contacted, out.cost, out.retained_revenue, out.net, out.roi) == (0, 0, 0, 0, None)
    assert recommend({}, Audience(0, 0.0, 0.0), INPUTS).startswith("The audience is empty")


def test_the_recommendation_names_the_band_with_the_best_roi() -> None:
    bands = {
        "High": Audience(200, 120.0, 150_000.0),
        "Low": Audience(800, 40.0, 30_000.0),
    }
    everyone = Audience(1000, 160.0, 180_000.0)
    text = recommend(bands, everyone, INPUTS)
    high, whole = simulate(bands["High"], INPUTS).roi, simulate(everyone, INPUTS).roi
    assert high is not None and whole is not None and high > whole
    assert text == f"Target the High band only: ROI {high:.1f}x against {whole:.1f}x for the whole audience."


rates = st.floats(min_value=0, max_value=1, allow_nan=False)
money = st.floats(min_value=0, max_value=1e6, allow_nan=False)
audiences = st.builds(
    lambda n, share, value: Audience(n, n * share, value),
    st.integers(min_value=0, max_value=10**7),
    rates,
    st.floats(min_value=0, max_value=1e10, allow_nan=False),
)


@settings(max_examples=200, deadline=None)
@given(audiences, money, money, rates, rates, rates, st.integers(min_value=1, max_value=36))
def test_more_uplift_never_lowers_roi(audience, cost, incentive, acceptance, u1, u2, months) -> None:
    low, high = sorted((u1, u2))
    a = simulate(audience, Assumptions(cost, incentive, acceptance, low, months))
    b = simulate(audience, Assumptions(cost, incentive, acceptance, high, months))
    if a.roi is not None and b.roi is not None:
        assert b.roi >= a.roi - 1e-9 * max(1.0, abs(a.roi))
    assert b.net >= a.net - 1e-6 * max(1.0, abs(a.net))


@settings(max_examples=200, deadline=None)
@given(audiences, money, money, rates, rates, st.integers(min_value=1, max_value=36))
def test_extreme_inputs_give_finite_consistent_outcomes(
    audience, cost, incentive, acceptance, uplift, months
) -> None:
    out = simulate(audience, Assumptions(cost, incentive, acceptance, uplift, months))
    for value in (out.cost, out.retained_revenue, out.net, out.accepted, out.retained):
        assert math.isfinite(value)
    assert 0 <= out.accepted <= out.contacted
    assert 0 <= out.retained <= audience.expected_churners + 1e-9
    assert out.net == pytest.approx(out.retained_revenue - out.cost)
    if out.breakeven_uplift is not None:
        assert 0 <= out.breakeven_uplift <= 1


DEFAULTS = {
    "cost_per_contact": 1.8,
    "incentive": 8.0,
    "acceptance": 0.1,
    "uplift": 0.05,
    "horizon_months": 12,
}


def test_inputs_fall_back_to_the_data_defaults_and_rates_are_percentages() -> None:
    a = parse_assumptions({"acceptance": "25"}, DEFAULTS)
    assert a == Assumptions(1.8, 8.0, 0.25, 0.05, 12)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("cost_per_contact", "-1", "negative"),
        ("incentive", "-0.01", "negative"),
        ("acceptance", "101", "at most 100"),
        ("uplift", "150", "at most 100"),
        ("uplift", "abc", "must be a number"),
        ("horizon_months", "0", "1 to 36"),
        ("horizon_months", "2.5", "1 to 36"),
        ("cost_per_contact", "nan", "finite"),
    ],
)
def test_bad_input_is_refused_naming_the_field(field, value, words) -> None:
    with pytest.raises(InputError) as caught:
        parse_assumptions({field: value}, DEFAULTS)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_missing_input_without_a_data_default_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        parse_assumptions({}, DEFAULTS | {"uplift": None})
    assert caught.value.field == "uplift"


def test_a_vanishing_cost_gives_no_roi_rather_than_infinity() -> None:
    tiny = Assumptions(cost_per_contact=0.0, incentive=5e-324, acceptance=1.0, uplift=1.0, horizon_months=6)
    out = simulate(AUDIENCE, tiny)
    assert out.cost > 0 and out.net > 0
    assert out.roi is None
    lower = simulate(AUDIENCE, Assumptions(0.0, 5e-324, 1.0, 0.5, 6))
    assert lower.roi is None and out.net >= lower.net
