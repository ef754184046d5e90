"""Threshold alerts: e-mail once on trip, once on recovery, never while tripped, with a cool-down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.utils import timezone

from exports import alerts
from exports.models import Alert, AlertEvent


def person(username: str) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.com")
    user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    return user


def test_an_alert_trips_once_and_recovers_once(db: None, warehouse: Path, smtp) -> None:
    alert = Alert.objects.create(
        user=person("ana"), workspace="overview", chart_id="kpi_avg_sentiment", query="preset=last_30",
        operator="below", threshold=0.9, cooldown_minutes=0,
    )  # fmt: skip
    now = timezone.now()
    assert alerts.claim_due(now) == [alert.id] and alerts.claim_due(now) == []  # claimed once

    tripped = alerts.evaluate(alert.id, now)
    assert tripped is not None and tripped.kind == "tripped" and tripped.emailed
    assert alerts.evaluate(alert.id, now + dt.timedelta(minutes=5)) is None  # still tripped: silent
    assert len(smtp.messages) == 1
    [message] = smtp.messages
    assert message["Subject"].startswith("Alert: Average sentiment falls below 0.9 ")
    assert "http://testserver/w/overview/?preset=last_30" in message.get_body(("plain",)).get_content()

    Alert.objects.filter(id=alert.id).update(threshold=-0.9)  # the KPI is now well within bounds
    recovered = alerts.evaluate(alert.id, now + dt.timedelta(minutes=10))
    assert recovered is not None and recovered.kind == "recovered" and recovered.emailed
    assert alerts.evaluate(alert.id, now + dt.timedelta(minutes=15)) is None
    assert [m["Subject"].split(":")[0] for m in smtp.messages] == ["Alert", "Recovered"]
    assert list(AlertEvent.objects.values_list("kind", flat=True)) == ["recovered", "tripped"]


def test_a_trip_within_the_cool_down_is_recorded_but_not_emailed(db: None, warehouse: Path, smtp) -> None:
    alert = Alert.objects.create(
        user=person("ana"), workspace="overview", chart_id="kpi_avg_sentiment", query="preset=last_30",
        operator="below", threshold=0.9, cooldown_minutes=60,
    )  # fmt: skip
    now = timezone.now()
    alerts.evaluate(alert.id, now)
    Alert.objects.filter(id=alert.id).update(threshold=-0.9)
    alerts.evaluate(alert.id, now + dt.timedelta(minutes=5))
    Alert.objects.filter(id=alert.id).update(threshold=0.9)
    flap = alerts.evaluate(alert.id, now + dt.timedelta(minutes=10))
    assert flap is not None and flap.kind == "tripped" and not flap.emailed and "cool-down" in flap.note
    assert len(smtp.messages) == 2  # the first trip and its recovery
