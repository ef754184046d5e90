"""Threshold alerts on a KPI: e-mail once when one trips and once when it recovers.

The state change is the claim: `UPDATE ... WHERE state = <old>` changes exactly one row for the one
evaluation that moves it, so two workers, or a retried task, never e-mail the same change twice.
While tripped nothing is sent. A trip within the cool-down after the last notice is recorded but
not e-mailed, and neither is the recovery from such a silent trip.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from accounts.access import viewer_for
from dashboards.charts.formatting import fmt_exact, fmt_value, to_float
from dashboards.charts.service import load_chart
from dashboards.charts.spec import Kind
from dashboards.warehouse.client import WarehouseError

from .emails import make_message
from .models import Alert, AlertEvent
from .report import ReportError, describe_filters, parse_view

log = logging.getLogger(__name__)


def alert_value(alert: Alert) -> float | None:
    """The KPI's current value for the alert's filters, seen through its owner's viewer."""
    ws, filters, _ = parse_view(alert.workspace, alert.query, viewer_for(alert.user))
    chart = ws.chart(alert.chart_id)
    if chart is None or chart.kind is not Kind.KPI:
        raise ReportError(f"'{alert.chart_id}' is not a KPI of {ws.title}.")
    view = load_chart(chart, filters, viewer_for(alert.user))
    if view.error:
        raise WarehouseError(view.error)
    if view.empty or view.result is None:
        return None
    return to_float(view.result.records()[0][chart.y[0]])


def claim_due(now: dt.datetime | None = None) -> list[int]:
    """The ids of active alerts due for a check, each claimed by moving its next check time."""
    now = now or timezone.now()
    ids = []
    for alert in Alert.objects.filter(active=True, next_check_at__lte=now).only(
        "id", "next_check_at", "check_every_minutes"
    ):
        nxt = now + dt.timedelta(minutes=max(1, alert.check_every_minutes))
        if (
            Alert.objects.filter(id=alert.id, next_check_at=alert.next_check_at).update(next_check_at=nxt)
            == 1
        ):
            ids.append(alert.id)
    return ids


def evaluate(alert_id: int, now: dt.datetime | None = None) -> AlertEvent | None:
    """Check one alert; the event created when its state changed (e-mailed unless cooling down)."""
    now = now or timezone.now()
    alert = Alert.objects.select_related("user").get(id=alert_id)
    try:
        value = alert_value(alert)
    except ReportError as exc:
        Alert.objects.filter(id=alert.id).update(last_checked_at=now, last_error=str(exc))
        return None
    if value is None:
        Alert.objects.filter(id=alert.id).update(last_checked_at=now, last_error="No data for these filters.")
        return None
    Alert.objects.filter(id=alert.id).update(last_value=value, last_checked_at=now, last_error="")
    new = Alert.State.TRIPPED if alert.is_breached(value) else Alert.State.OK
    old = alert.state
    if new == old:
        return None
    with transaction.atomic():
        if Alert.objects.filter(id=alert.id, state=old).update(state=new) != 1:
            return None  # another evaluation moved it first
        if old == Alert.State.UNKNOWN and new == Alert.State.OK:
            return None  # the first check found it fine: nothing to say
        note = ""
        if new == Alert.State.TRIPPED:
            cooldown = dt.timedelta(minutes=alert.cooldown_minutes)
            notify = alert.last_notified_at is None or now - alert.last_notified_at >= cooldown
            if not notify:
                note = f"Within the {alert.cooldown_minutes}-minute cool-down: recorded, not e-mailed."
        else:
            last_trip = alert.events.filter(kind=AlertEvent.Kind.TRIPPED).first()
            notify = bool(last_trip and last_trip.emailed)
            if not notify:
                note = "Recovered from a trip that was not e-mailed: recorded, not e-mailed."
        kind = AlertEvent.Kind.TRIPPED if new == Alert.State.TRIPPED else AlertEvent.Kind.RECOVERED
        event = AlertEvent.objects.create(
            alert=alert,
            kind=kind,
            value=value,
            threshold=alert.threshold,
            emailed=notify,
            note=note,
            created_at=now,
        )
        if notify:
            Alert.objects.filter(id=alert.id).update(last_notified_at=now)
    if notify:
        try:
            alert_message(alert, event).send()
        except Exception as exc:
            AlertEvent.objects.filter(id=event.id).update(emailed=False, note=f"E-mail failed: {exc}"[:300])
            log.exception("alert %s: the e-mail could not be sent", alert.id)
    return event


def alert_message(alert: Alert, event: AlertEvent):  # type: ignore[no-untyped-def]
    from django.conf import settings

    ws, filters, _ = parse_view(alert.workspace, alert.query, viewer_for(alert.user))
    chart = ws.chart(alert.chart_id)
    assert chart is not None
    context = {
        "alert": alert,
        "event": event,
        "chart": chart,
        "workspace": ws,
        "value": fmt_value(event.value, chart.fmt),
        "threshold": fmt_exact(event.threshold, chart.fmt),
        "filter_words": describe_filters(filters),
        "view_url": f"{settings.PORTAL_URL}/w/{ws.slug}/?{filters.querystring()}",
    }
    return make_message("alert", alert.user.email, context)
