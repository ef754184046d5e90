"""Saved presets, preferences and the match count under the filter bar."""

import re
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from django.contrib.auth.models import Group, User

from dashboards.models import Preference, SavedPreset

pytestmark = pytest.mark.django_db


def most_common(warehouse, sql: str) -> str:
    row = duckdb.connect(str(warehouse), read_only=True).execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture
def region(warehouse) -> str:
    return most_common(
        warehouse, "SELECT REGION FROM ANALYTICS.CUSTOMER_BASE GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1"
    )


@pytest.fixture
def other_user(db) -> User:
    other = User.objects.create_user("bob.other", password="x" * 20)
    other.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    return other


def test_a_user_saves_the_current_filters_under_a_name_and_applies_them(signed_in, user, region):
    response = signed_in.post(
        "/presets/save",
        {"name": "My EMEA view", "query": f"preset=ytd&region={region}&tab=x", "next": "/w/overview/"},
    )
    assert response.status_code == 302
    preset = SavedPreset.objects.get(owner=user)
    assert (preset.name, preset.query) == ("My EMEA view", f"preset=ytd&region={region}")
    applied = signed_in.get(f"/presets/{preset.pk}/apply?workspace=overview")
    assert applied.status_code == 302
    target = urlsplit(applied["Location"])
    assert target.path == "/w/overview/"
    assert parse_qs(target.query) == {"preset": ["ytd"], "region": [region]}
    page = signed_in.get(applied["Location"])
    assert page.status_code == 200
    assert f"Region: {region}" in page.content.decode()


def test_a_second_preset_with_the_same_name_is_refused_and_changes_nothing(signed_in, user):
    signed_in.post("/presets/save", {"name": "Mine", "query": "preset=ytd"})
    response = signed_in.post("/presets/save", {"name": "Mine", "query": "preset=last_7"}, follow=True)
    assert "already have a preset named" in response.content.decode()
    assert list(SavedPreset.objects.values_list("query", flat=True)) == ["preset=ytd"]


def test_a_preset_without_a_name_is_refused(signed_in):
    response = signed_in.post("/presets/save", {"name": "  ", "query": "preset=ytd"}, follow=True)
    assert "needs a name" in response.content.decode()
    assert SavedPreset.objects.count() == 0


def test_a_preset_naming_a_value_no_longer_in_the_data_applies_the_rest_and_says_what_it_dropped(
    signed_in, user, region
):
    preset = SavedPreset.objects.create(
        owner=user, name="Old", query=f"preset=last_30&region={region}&persona=Vanished+Persona"
    )
    response = signed_in.get(f"/presets/{preset.pk}/apply?workspace=overview", follow=True)
    assert response.status_code == 200
    final = urlsplit(response.redirect_chain[-1][0])
    assert parse_qs(final.query) == {"preset": ["last_30"], "region": [region]}
    assert "Persona: Vanished Persona" in response.content.decode()


def test_users_rename_and_delete_only_their_own_presets(signed_in, user, other_user):
    mine = SavedPreset.objects.create(owner=user, name="Mine", query="preset=ytd")
    theirs = SavedPreset.objects.create(owner=other_user, name="Theirs", query="preset=ytd")
    shared = SavedPreset.objects.create(owner=None, name="Team view", query="preset=qtd")
    assert signed_in.post(f"/presets/{mine.pk}/rename", {"name": "Renamed"}).status_code == 302
    assert SavedPreset.objects.get(pk=mine.pk).name == "Renamed"
    assert signed_in.post(f"/presets/{theirs.pk}/rename", {"name": "Stolen"}).status_code == 404
    assert signed_in.post(f"/presets/{theirs.pk}/delete").status_code == 404
    assert signed_in.post(f"/presets/{shared.pk}/delete").status_code == 404
    assert signed_in.get(f"/presets/{theirs.pk}/apply").status_code == 404
    assert signed_in.post(f"/presets/{mine.pk}/delete").status_code == 302
    assert set(SavedPreset.objects.values_list("name", flat=True)) == {"Theirs", "Team view"}


def test_shared_presets_are_offered_to_everyone_on_the_workspace(signed_in, other_user):
    SavedPreset.objects.create(owner=None, name="Team view", query="preset=qtd")
    SavedPreset.objects.create(owner=other_user, name="Private to Bob", query="preset=ytd")
    html = signed_in.get("/w/overview/").content.decode()
    assert "Team view" in html
    assert "Private to Bob" not in html


def test_the_default_date_range_and_workspace_come_from_the_preferences(signed_in, user):
    response = signed_in.post(
        "/preferences/",
        {"default_workspace": "overview", "default_preset": "last_30", "palette": "tol-bright"},
    )
    assert response.status_code == 302
    page = signed_in.get("/w/overview/").content.decode()
    assert "(Last 30 days)" in page
    assert 'href="?preset=last_30"' in page  # "Reset to my default"
    assert signed_in.get("/")["Location"] == "/w/overview/"


def test_the_palette_preference_colours_the_charts(signed_in, user):
    from dashboards.charts.palette import PALETTES

    Preference.objects.create(user=user, palette="tol-bright")
    html = signed_in.get("/w/overview/chart/sentiment_trend/").content.decode()
    assert PALETTES["tol-bright"][0] in html
    assert PALETTES["okabe-ito"][0] not in html


def test_a_bad_preference_is_refused_and_changes_nothing(signed_in, user):
    response = signed_in.post(
        "/preferences/", {"default_workspace": "nowhere", "default_preset": "forever", "palette": "neon"}
    )
    assert response.status_code == 400
    assert not Preference.objects.filter(user=user).exists()


def test_the_match_line_counts_what_the_filters_keep(signed_in, warehouse, region):
    html = signed_in.get(
        f"/w/overview/matches/?from=2026-03-01&to=2026-05-31&region={region}"
    ).content.decode()
    numbers = [
        int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:customers|interactions|tickets)", html)
    ]
    con = duckdb.connect(str(warehouse), read_only=True)
    customers = con.execute(
        "SELECT COUNT(*) FROM ANALYTICS.CUSTOMER_BASE WHERE REGION = ?", [region]
    ).fetchone()[0]
    interactions = con.execute(
        "SELECT COUNT(*) FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i JOIN ANALYTICS.CUSTOMER_BASE c USING (CUSTOMER_ID)"
        " WHERE c.REGION = ? AND i.INTERACTION_TS >= DATE '2026-03-01' AND i.INTERACTION_TS < DATE '2026-06-01'",
        [region],
    ).fetchone()[0]
    tickets = con.execute(
        "SELECT COUNT(*) FROM ANALYTICS.FACT_SUPPORT_TICKETS t JOIN ANALYTICS.CUSTOMER_BASE c USING (CUSTOMER_ID)"
        " WHERE c.REGION = ? AND t.CREATED_AT >= DATE '2026-03-01' AND t.CREATED_AT < DATE '2026-06-01'",
        [region],
    ).fetchone()[0]
    assert numbers == [customers, interactions, tickets]
