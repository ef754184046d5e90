"""The warm door answers a session's repeated fragment without the full stack, and never what the full
stack would not: not to another session or scope, not after sign-out, a role, group or preference
change, a warehouse refresh or its time, and never an answer with an error in it.

The numbers a door answer shows are checked against pandas over the same DuckDB file."""

from __future__ import annotations

import gzip
import re
import shutil
import time
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from accounts.models import Role
from dashboards import warm_door
from dashboards.models import Preference
from dashboards.warehouse import client as warehouse_client
from dashboards.warehouse import duckdb_backend
from dashboards.warehouse.demo.append_day import append_day
from tests.test_fragment_cache import pandas_churn_counts

pytestmark = pytest.mark.django_db

QUERY = "from=2026-01-01&to=2026-03-31"
CHART = f"/w/overview/chart/churn_risk/?{QUERY}"
ROW = re.compile(r'<tr><td>([^<]*)</td><td class="num" data-value="([^"]+)"')


def through_door(response: Any) -> bool:
    return response.get(warm_door.SERVED_HEADER) == "door"


def client_with_role(role: str, name: str | None = None) -> tuple[Client, User]:
    user = User.objects.create_user(name or role.lower().replace(" ", "."))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client, user


def counts(response: Any) -> dict[str, int]:
    assert response.status_code == 200
    return {level: int(value) for level, value in ROW.findall(response.content.decode())}


def test_a_repeated_fragment_comes_through_the_door_with_no_database_query_and_the_same_answer(
    signed_in, warehouse, django_assert_num_queries
):
    first = signed_in.get(CHART)
    assert first.status_code == 200 and not through_door(first)
    with django_assert_num_queries(0):
        again = signed_in.get(CHART)
    assert through_door(again)
    assert again.content == first.content
    assert counts(again) == pandas_churn_counts(warehouse, None)
    assert again["X-Data-Version"] == first["X-Data-Version"] == warehouse_client.data_version()
    assert "private" in again["Cache-Control"] and "Cookie" in again["Vary"]
    assert again["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in again


def test_the_kpi_row_and_the_match_count_come_through_the_door_too(signed_in):
    for url in (f"/w/overview/kpis/?{QUERY}", f"/w/overview/matches/?{QUERY}"):
        first = signed_in.get(url)
        again = signed_in.get(url)
        assert first.status_code == 200 and through_door(again) and again.content == first.content


def test_a_chart_drawn_as_another_view_comes_through_the_door_under_its_own_address(signed_in):
    flat, scene = (f"/w/segments/chart/rfm/{view}?{QUERY}" for view in ("", "3d/"))
    first_flat, first_scene = signed_in.get(flat), signed_in.get(scene)
    assert first_flat.status_code == first_scene.status_code == 200
    again_flat, again_scene = signed_in.get(flat), signed_in.get(scene)
    assert through_door(again_flat) and again_flat.content == first_flat.content
    assert through_door(again_scene) and again_scene.content == first_scene.content
    assert b'"scatter3d"' in again_scene.content and b'"scatter3d"' not in again_flat.content


def test_a_gzip_answer_unpacks_to_the_same_bytes(signed_in):
    first = signed_in.get(CHART)
    packed = signed_in.get(CHART, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert through_door(packed) and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == first.content


def test_another_session_or_scope_never_gets_an_answer_remembered_for_someone_else(warehouse):
    everyone, emea = pandas_churn_counts(warehouse, None), pandas_churn_counts(warehouse, ["EMEA"])
    assert everyone != emea
    analyst, _ = client_with_role("CX analyst")
    lead, _ = client_with_role("Support lead")
    assert counts(analyst.get(CHART)) == everyone
    assert counts(analyst.get(CHART)) == everyone
    first_lead = lead.get(CHART)
    assert not through_door(first_lead) and counts(first_lead) == emea
    again = lead.get(CHART)
    assert through_door(again) and counts(again) == emea
    # A second session of the same person has its own door.
    second_session = Client()
    second_session.force_login(User.objects.get(username="support.lead"))
    assert not through_door(second_session.get(CHART))


def test_people_who_may_see_the_same_share_remembered_answers_once_their_own_door_is_open(warehouse):
    other = f"/w/overview/chart/kpi_customers/?{QUERY}"
    first, _ = client_with_role("CX analyst", "first.analyst")
    second, _ = client_with_role("CX analyst", "second.analyst")
    lead, _ = client_with_role("Support lead")
    first.get(CHART), first.get(other)
    assert not through_door(second.get(CHART))  # the full stack opens the second analyst's door
    shared = second.get(other)
    assert through_door(shared) and shared.content == first.get(other).content
    lead.get(CHART)  # the lead's door is open, for the lead's own state only
    own = lead.get(other)
    assert not through_door(own) and own.content != shared.content


def test_a_forged_or_missing_cookie_is_never_answered_by_the_door(signed_in):
    signed_in.get(CHART)
    stranger = Client()
    assert not through_door(stranger.get(CHART))
    stranger.cookies["sessionid"] = "x" * 32
    response = stranger.get(CHART)
    assert not through_door(response) and response.status_code == 302


def test_signing_out_closes_the_door_of_that_session(signed_in):
    signed_in.get(CHART)
    assert through_door(signed_in.get(CHART))
    old = signed_in.cookies["sessionid"].value
    signed_in.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = old
    response = replay.get(CHART)
    assert not through_door(response)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_losing_a_role_is_decided_by_the_full_stack_at_the_next_request(warehouse):
    client, user = client_with_role("Customer success manager", "cs.manager")
    client.get(CHART)
    assert through_door(client.get(CHART))
    user.groups.clear()
    user.groups.add(Group.objects.get_or_create(name="Support lead")[0])
    response = client.get(CHART)
    assert not through_door(response)
    assert counts(response) == pandas_churn_counts(warehouse, ["EMEA"])


def test_a_role_edited_in_the_admin_closes_every_door(warehouse):
    client, _ = client_with_role("Support lead")
    client.get(CHART)
    assert through_door(client.get(CHART))
    role = Role.objects.get(name="Support lead")
    role.workspaces = [slug for slug in role.workspaces if slug != "overview"]
    role.save()
    assert client.get(CHART).status_code == 404


def test_a_changed_preference_is_answered_by_the_full_stack(signed_in, user):
    signed_in.get(CHART)
    assert through_door(signed_in.get(CHART))
    preference, _ = Preference.objects.get_or_create(user=user)
    preference.save()
    assert not through_door(signed_in.get(CHART))


def test_a_refreshed_warehouse_is_never_answered_from_the_door(signed_in, settings, tmp_path, warehouse):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    settings.WAREHOUSE_PATH = copy
    warehouse_client.reset()
    url = "/w/overview/chart/kpi_customers/?preset=last_30"
    before = signed_in.get(url)
    assert through_door(signed_in.get(url))
    append_day(copy)
    after = signed_in.get(url)
    assert not through_door(after)
    assert after["X-Data-Version"] == warehouse_client.data_version() != before["X-Data-Version"]
    warehouse_client.reset()


def test_the_door_closes_after_its_time(signed_in, settings):
    settings.WARM_DOOR_SECONDS = 2
    signed_in.get(CHART)
    assert through_door(signed_in.get(CHART))
    time.sleep(2.1)
    assert not through_door(signed_in.get(CHART))
    assert through_door(signed_in.get(CHART))  # the full stack opened it again


def test_the_door_never_outlives_the_session(signed_in, settings):
    session = signed_in.session
    session.set_expiry(2)
    session.save()
    signed_in.get(CHART)
    assert through_door(signed_in.get(CHART))
    time.sleep(2.1)
    response = signed_in.get(CHART)
    assert not through_door(response) and response.status_code == 302


def test_an_answer_with_an_error_in_it_is_not_remembered(signed_in, monkeypatch):
    def broken(sql: str, params: Any) -> Any:
        raise RuntimeError("the warehouse is on fire")

    monkeypatch.setattr(duckdb_backend, "execute", broken)
    url = f"/w/overview/kpis/?{QUERY}&region=APAC"
    first = signed_in.get(url)
    assert "no-store" in first["Cache-Control"]
    assert not through_door(signed_in.get(url))
    monkeypatch.undo()


def test_off_when_its_time_is_zero(signed_in, settings):
    settings.WARM_DOOR_SECONDS = 0
    signed_in.get(CHART)
    assert not through_door(signed_in.get(CHART))


def test_with_redis_down_the_door_stays_shut_and_the_full_stack_answers(signed_in, settings, warehouse):
    settings.CACHES = {
        "default": {
            "BACKEND": "dashboards.fallback_cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    first, again = signed_in.get(CHART), signed_in.get(CHART)
    assert not through_door(first) and not through_door(again)
    assert counts(again) == counts(first) == pandas_churn_counts(warehouse, None)


def test_two_roles_get_their_union_through_the_door_and_never_a_single_roles_answer(
    warehouse, role_user, customers
):
    from tests.test_scope_union import union_of

    both = Client()
    both.force_login(role_user("Support lead", username="lead-and-csm", groups=("Customer success manager",)))
    lead, _ = client_with_role("Support lead")
    emea = pandas_churn_counts(warehouse, ["EMEA"])
    assert counts(lead.get(CHART)) == emea
    assert through_door(lead.get(CHART))
    first = both.get(CHART)
    assert not through_door(first)  # the union is a state of its own: nothing of the lead's is reused
    again = both.get(CHART)
    assert through_door(again) and again.content == first.content
    # The union (EMEA, or NA High/Medium value) counted in pandas over the same file.
    roles = list(Role.objects.filter(name__in=["Support lead", "Customer success manager"]))
    visible = set(customers.loc[union_of(customers, roles), "CUSTOMER_ID"])
    union = pandas_churn_counts(warehouse, None, only=visible)
    assert counts(again) == union != emea


def test_a_role_without_the_export_right_gets_no_csv_link_through_the_door(warehouse):
    url = f"/w/overview/chart/kpi_customers/?{QUERY}"
    analyst, _ = client_with_role("CX analyst")
    executive, _ = client_with_role("Executive")
    assert "CSV" in analyst.get(url).content.decode()
    assert through_door(analyst.get(url))
    executive.get(url)
    door_answer = executive.get(url)
    assert through_door(door_answer)
    assert "CSV" not in door_answer.content.decode()
    assert executive.get(url.replace("/chart/kpi_customers/", "/chart/kpi_customers.csv")).status_code == 403
