"""Feedback from every page, and the administrators' adoption page (from the audit log, with CSV)."""

import csv
import io
import math

import pytest

from accounts.models import AuditEvent
from dashboards.models import Feedback

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_feedback_control(signed_in):
    for url in ("/w/overview/", "/preferences/", "/customers/?q=an"):
        html = signed_in.get(url).content.decode()
        assert 'action="/feedback/"' in html and 'name="rating"' in html, url


def test_feedback_records_the_rating_comment_page_filters_and_role(signed_in, user):
    response = signed_in.post(
        "/feedback/", {"rating": "4", "comment": "Useful", "page": "/w/support/?preset=last_30&region=EMEA"}
    )
    assert response.status_code == 302 and response["Location"] == "/w/support/?preset=last_30&region=EMEA"
    f = Feedback.objects.get()
    assert (f.username, f.rating, f.comment, f.page, f.filters) == (
        "ana.analyst",
        4,
        "Useful",
        "/w/support/",
        "preset=last_30&region=EMEA",
    )
    assert f.roles == "Administrator"


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"rating": "6", "page": "/w/overview/"}, "rating"),
        ({"rating": "", "page": "/w/overview/"}, "rating"),
        ({"rating": "3", "page": "https://evil.example/"}, "page"),
        ({"rating": "3", "page": "/w/overview/", "comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_feedback_is_a_400_naming_the_field_and_saves_nothing(signed_in, data, param):
    response = signed_in.post("/feedback/", data)
    assert response.status_code == 400
    body = response.content.decode()
    # Over-long input is refused by the input-limits middleware (a 400 page naming it), the rest by the view.
    assert body.startswith(f"{param}:") or (
        f"<code>{param}</code>" in body or f"“{param}”" in body or param in body
    )
    assert not Feedback.objects.exists()


def test_opening_a_workspace_is_recorded_as_a_page_view(signed_in):
    signed_in.get("/w/support/")
    event = AuditEvent.objects.get(action="page_view")
    assert event.detail == {"workspace": "support", "tab": "Volume"} and event.username == "ana.analyst"


def test_the_adoption_page_counts_active_users_by_role_against_the_target(signed_in, settings, role_user):
    settings.ADOPTION_TARGET_USERS, settings.ADOPTION_TARGET_SHARE = 120, 0.85
    signed_in.get("/w/support/")
    signed_in.get("/w/overview/")
    signed_in.get("/w/support/")
    other = role_user("Support lead")
    AuditEvent.objects.create(
        user=other, username=other.username, action="page_view", detail={"workspace": "support"}
    )
    signed_in.post("/feedback/", {"rating": "2", "comment": "Slow", "page": "/w/overview/"})
    html = signed_in.get("/adoption/").content.decode()
    assert f"against a target of <strong>{math.ceil(120 * 0.85)}</strong>" in html
    assert '<strong class="off-target">2</strong> active this week' in html
    assert '<td>Administrator</td><td class="num">1</td>' in html
    assert '<td>Support lead</td><td class="num">1</td>' in html
    assert '<td>Support Operations</td><td class="num">3</td>' in html
    assert "Slow" in html


def test_the_adoption_csv_holds_the_same_figures(signed_in):
    signed_in.get("/w/support/")
    rows = list(csv.reader(io.StringIO(signed_in.get("/adoption/?format=csv").content.decode())))
    assert rows[0] == ["SECTION", "KEY", "VALUE"]
    assert ["workspace page views", "Support Operations", "1"] in rows
    assert ["weekly active users by role", "Administrator", "1"] in rows


def test_the_adoption_page_is_for_administrators_only_and_refuses_bad_parameters(
    client, warehouse, role_user, signed_in
):
    assert signed_in.get("/adoption/?format=xls").status_code == 400
    assert signed_in.get("/adoption/?week=2").content.decode().startswith("week:")
    client.force_login(role_user("Support lead"))
    assert client.get("/adoption/").status_code == 404


def test_each_page_view_counts_as_a_view_of_the_charts_on_its_tab(signed_in, role_user):
    from dashboards.charts.registry import WORKSPACES

    support = WORKSPACES["support"]
    visits = ["", "", "", "Recent tickets"]  # the first tab three times (by default), the last once
    first_tab = support.tabs[0]
    for tab in visits:
        assert signed_in.get("/w/support/" + (f"?tab={tab}" if tab else "")).status_code == 200
    for chart in support.panels[:2]:  # chart loads write nothing more
        assert (
            signed_in.get(f"/w/support/chart/{chart.id}/", HTTP_X_REQUESTED_WITH="fetch").status_code == 200
        )
    expected = {
        f"Support Operations · {chart.title}": sum(
            1 for tab in visits if not chart.tab or chart.tab == (tab or first_tab)
        )
        for chart in support.charts
    }
    html = signed_in.get("/adoption/").content.decode()
    assert "Most viewed charts" in html
    rows = list(csv.reader(io.StringIO(signed_in.get("/adoption/?format=csv").content.decode())))
    shown = {title: int(n) for kind, title, n in rows if kind == "chart views"}
    assert 0 < len(shown) <= 10
    for title, n in shown.items():
        assert expected[title] == n, title
        assert f'<td>{title}</td><td class="num">{n}</td>' in html
    volume = next(c for c in support.charts if c.tab == first_tab)
    assert shown[f"Support Operations · {volume.title}"] == 3
    assert sorted(shown.values(), reverse=True) == list(shown.values()), "the most viewed first"
    assert ["workspace page views", "Support Operations", "4"] in rows
