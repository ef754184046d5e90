"""Over-long input, on any form or query parameter, is a clear refusal (a form error or a 400 naming
the parameter), never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from dashboards.models import SavedPreset

pytestmark = pytest.mark.django_db

HUGE = "a" * 51_000


@pytest.mark.parametrize("field", ["login", "username"])
def test_a_51000_character_username_at_sign_in_is_a_400_naming_the_field(
    client: Client, user, field: str
) -> None:
    response = client.post("/accounts/login/", {field: HUGE, "password": "whatever"})
    assert response.status_code == 400
    assert f"<code>{field}</code>".encode() in response.content
    assert HUGE.encode() not in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("field", ["login", "username"])
def test_a_username_longer_than_any_account_name_is_a_form_error(client: Client, user, field: str) -> None:
    response = client.post("/accounts/login/", {field: "u" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert b"at most 254 characters" in response.content
    assert "_auth_user_id" not in client.session


def test_a_51000_character_password_is_refused_without_hashing_it(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.username, "password": HUGE})
    assert response.status_code == 400 and b"password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("url", "param"),
    [
        (f"/w/overview/?persona={HUGE}", "persona"),
        (f"/w/overview/chart/kpi_customers/?region={HUGE}", "region"),
        (f"/w/overview/chart/kpi_customers.csv?from={HUGE}&to=2026-01-01", "from"),
        (f"/w/overview/matches/?tab={HUGE}", "tab"),
        (f"/customers/?q={HUGE}", "q"),
        (f"/customers/suggest?q={HUGE}", "q"),
        (f"/presets/1/apply?workspace={HUGE}", "workspace"),
        (f"/admin/accounts/auditevent/?q={HUGE}", "q"),
        (f"/w/overview/?{HUGE}=1", HUGE[:20]),
    ],
)
def test_an_over_long_query_parameter_is_a_400_naming_it(signed_in: Client, url: str, param: str) -> None:
    response = signed_in.get(url)
    assert response.status_code == 400, url[:80]
    assert param.encode() in response.content
    assert HUGE.encode() not in response.content  # the value is not echoed back whole


def test_an_over_long_filter_value_just_over_the_options_is_named_without_echoing_it(
    signed_in: Client,
) -> None:
    value = "b" * 300  # under the general cap: refused as not an option, its text cut short
    response = signed_in.get(f"/w/overview/chart/kpi_customers/?persona={value}")
    assert response.status_code == 400 and b"persona" in response.content
    assert value.encode() not in response.content


def test_an_over_long_preset_name_saves_nothing(signed_in: Client) -> None:
    response = signed_in.post("/presets/save", {"name": HUGE, "query": "preset=last_30", "next": "/"})
    assert response.status_code == 400 and b"name" in response.content
    response = signed_in.post("/presets/save", {"name": "n" * 81, "query": "preset=last_30", "next": "/"})
    assert response.status_code == 302
    assert not SavedPreset.objects.exists()


def test_an_over_long_subscription_field_is_a_400(signed_in: Client) -> None:
    response = signed_in.post(
        "/w/overview/subscribe/?preset=last_30", {"frequency": "weekly", "time_zone": HUGE}
    )
    assert response.status_code == 400 and b"time_zone" in response.content
