"""Users set, list, pause and delete their own threshold alerts from a workspace view."""

import pytest
from django.contrib.auth.models import Group, User

from exports.models import Alert

pytestmark = pytest.mark.django_db


def test_a_user_sets_an_alert_on_a_kpi_of_the_view_they_are_looking_at(signed_in, user):
    form = signed_in.get("/w/overview/alert/?preset=last_30")
    assert form.status_code == 200
    assert "Average sentiment" in form.content.decode()
    response = signed_in.post(
        "/w/overview/alert/?preset=last_30",
        {
            "chart_id": "kpi_avg_sentiment",
            "operator": "below",
            "threshold": "0.1",
            "check_every_minutes": "5",
        },
    )
    assert response.status_code == 302
    alert = Alert.objects.get(user=user)
    assert (alert.workspace, alert.chart_id, alert.operator, alert.threshold) == (
        "overview",
        "kpi_avg_sentiment",
        "below",
        0.1,
    )
    assert "preset=last_30" in alert.query
    assert "Average sentiment" in signed_in.get("/alerts/").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"chart_id": "sentiment_trend", "operator": "below", "threshold": "1"}, "chart_id"),
        ({"chart_id": "kpi_avg_sentiment", "operator": "sideways", "threshold": "1"}, "operator"),
        ({"chart_id": "kpi_avg_sentiment", "operator": "below", "threshold": "low"}, "threshold"),
    ],
)
def test_a_bad_alert_is_refused_and_nothing_is_saved(signed_in, data, field):
    response = signed_in.post("/w/overview/alert/", {"check_every_minutes": "5", **data})
    assert response.status_code == 400
    assert f'id="id_{field}"' in response.content.decode()
    assert not Alert.objects.exists()


def test_a_bad_filter_on_the_view_is_refused_before_anything_is_saved(signed_in):
    response = signed_in.post(
        "/w/overview/alert/?persona=Nobody",
        {
            "chart_id": "kpi_avg_sentiment",
            "operator": "below",
            "threshold": "0.1",
            "check_every_minutes": "5",
        },
    )
    assert response.status_code == 400
    assert not Alert.objects.exists()


def test_users_pause_and_delete_only_their_own_alerts(signed_in, user, db):
    other = User.objects.create_user("olga.other", password="x" * 20)
    other.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    mine = Alert.objects.create(user=user, workspace="overview", chart_id="kpi_avg_csat", threshold=3.5)
    theirs = Alert.objects.create(user=other, workspace="overview", chart_id="kpi_avg_csat", threshold=3.5)
    assert signed_in.post(f"/alerts/{mine.pk}/pause/").status_code == 302
    assert not Alert.objects.get(pk=mine.pk).active
    assert signed_in.post(f"/alerts/{theirs.pk}/delete/").status_code == 404
    assert signed_in.post(f"/alerts/{mine.pk}/delete/").status_code == 302
    assert list(Alert.objects.values_list("pk", flat=True)) == [theirs.pk]
