"""Dates the portal's date arithmetic cannot handle (the previous period of 0001-01-01, the day after
9999-12-31) are a 400 naming the parameter on every channel, before any SQL runs or any job starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.test import Client

from dashboards.filters import DATE_MAX, DATE_MIN, DataRange, FilterError, parse_filters
from exports.models import Alert, ExportJob, Subscription

pytestmark = pytest.mark.django_db

EXTREMES = [
    ("from", "from=0001-01-01&to=2026-11-30"),
    ("to", "from=2026-01-01&to=9999-12-31"),
    ("from", "from=0001-01-01&to=9999-12-31"),
    ("from", "from=1000-06-01&to=2026-01-01"),
]
DATA = DataRange(dt.date(2024, 1, 1), dt.date(2026, 11, 30))


@pytest.mark.parametrize(("param", "query"), EXTREMES)
def test_the_parser_refuses_dates_outside_its_bounds_naming_the_parameter(param: str, query: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filters(QueryDict(query), options={}, data=DATA)
    assert caught.value.param == param
    assert DATE_MIN.isoformat() in caught.value.message and DATE_MAX.isoformat() in caught.value.message


def test_the_widest_accepted_range_has_a_previous_period_and_a_day_after() -> None:
    filters = parse_filters(QueryDict(f"from={DATE_MIN}&to={DATE_MAX}"), options={}, data=DATA)
    previous = filters.previous()
    assert previous.date_to == DATE_MIN - dt.timedelta(days=1)
    assert previous.days == filters.days
    assert filters.date_to + dt.timedelta(days=1) > DATE_MAX


@pytest.mark.parametrize(
    "path",
    [
        "/w/overview/chart/kpi_customers/",
        "/w/overview/chart/sentiment_trend/",
        "/w/overview/chart/kpi_customers.csv",
        "/w/overview/matches/",
        "/w/overview/",
    ],
)
@pytest.mark.parametrize(("param", "query"), EXTREMES[:2])
def test_fragments_csv_matches_and_pages_answer_400_naming_the_date(
    signed_in: Client, path: str, param: str, query: str
) -> None:
    response = signed_in.get(f"{path}?{query}")
    assert response.status_code == 400, response.content[:300]
    assert param.encode() in response.content


@pytest.mark.parametrize(("param", "query"), EXTREMES[:2])
def test_pdf_subscription_and_alert_are_refused_before_anything_is_queued_or_saved(
    signed_in: Client, param: str, query: str
) -> None:
    assert signed_in.post(f"/w/overview/export.pdf?{query}").status_code == 400
    response = signed_in.post(
        f"/w/overview/subscribe/?{query}", {"frequency": "weekly", "time_zone": "UTC", "attach_pdf": "on"}
    )
    assert response.status_code == 400 and param.encode() in response.content
    response = signed_in.post(
        f"/w/overview/alert/?{query}",
        {"chart_id": "kpi_customers", "operator": "below", "threshold": "1", "check_every_minutes": "5"},
    )
    assert response.status_code == 400 and param.encode() in response.content
    assert not ExportJob.objects.exists()
    assert not Subscription.objects.exists()
    assert not Alert.objects.exists()


def test_a_saved_preset_with_extreme_dates_is_applied_without_its_dates(signed_in: Client, user) -> None:
    from dashboards.models import SavedPreset

    preset = SavedPreset.objects.create(
        owner=user, name="odd", query="from=0001-01-01&to=2026-01-01&region=EMEA"
    )
    response = signed_in.get(f"/presets/{preset.id}/apply?workspace=overview")
    assert response.status_code == 302
    assert "0001" not in response["Location"] and "region=EMEA" in response["Location"]
