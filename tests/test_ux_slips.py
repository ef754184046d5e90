"""The small slips a business user met in the first hour, each fixed where it was made."""

import csv
import io

import pytest

from dashboards.charts.formatting import fmt_change, fmt_exact
from dashboards.charts.spec import Fmt
from dashboards.models import SavedPreset


@pytest.mark.parametrize(
    ("current", "previous", "fmt"),
    [(0.321, 0.3249, Fmt.FLOAT2), (0.5, 0.5004, Fmt.PCT), (1000.0, 1000.2, Fmt.INT)],
)
def test_a_change_that_rounds_to_zero_reads_no_change_not_minus_zero(current, previous, fmt):
    assert fmt_change(current, previous, fmt) == "no change"


def test_a_real_change_keeps_its_sign():
    assert fmt_change(0.30, 0.25, Fmt.FLOAT2) == "+0.05"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.297, Fmt.FLOAT2, "0.297"),
        (438.0, Fmt.INT, "438"),
        (0.125, Fmt.PCT, "12.5%"),
        (1500.5, Fmt.MONEY, "$1,500.50"),
    ],
)
def test_a_threshold_reads_as_it_was_typed_without_rounding_or_trailing_zeros(value, fmt, shown, settings):
    settings.CURRENCY_SYMBOL = "$"
    assert fmt_exact(value, fmt) == shown


def test_the_presets_admin_help_text_shows_an_ampersand_not_a_registered_sign():
    help_text = str(SavedPreset._meta.get_field("query").help_text)
    assert "&amp;region" in help_text


def test_the_what_changed_csv_leaves_out_the_internal_format_column(signed_in):
    response = signed_in.get("/w/insights/chart/what_changed.csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert "METRIC" in header and "FMT" not in header


def test_the_what_changed_data_table_leaves_out_the_internal_format_column(signed_in):
    html = signed_in.get("/w/insights/chart/what_changed/").content.decode()
    assert "Metric" in html or "METRIC" in html
    assert ">Fmt<" not in html and ">FMT<" not in html


def test_the_top_customers_table_shows_money_with_its_symbol(signed_in, settings):
    html = signed_in.get("/w/overview/chart/top_customers/").content.decode()
    assert f">{settings.CURRENCY_SYMBOL}" in html


def test_the_match_line_says_customer_in_the_singular_for_one(signed_in):
    from django.template.loader import render_to_string

    line = render_to_string(
        "dashboards/_matches.html",
        {"counts": {"CUSTOMERS": 1, "INTERACTIONS": 2, "TICKETS": 1, "REVIEWS": 0, "TRANSACTIONS": 1}},
    )
    assert (
        "1 customer ·" in line and "2 interactions" in line and "1 ticket ·" in line and "0 reviews" in line
    )
