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
from django.db.models import F
from django.utils import timezone

from dashboards.charts.formatting import fmt_exact, fmt_value, to_float
from dashboards.charts.service import load_chart
from dashboards.charts.spec import Kind
from dashboards.warehouse.client import WarehouseError

from . import rights
from .emails import make_message
from .models import Alert, AlertEvent
from .report import ReportError, describe_filters, parse_view
from .smtp import MaybeDelivered

log = logging.getLogger(__name__)


def alert_value(alert: Alert) -> float | None:
    """The KPI's current value for the alert's filters, seen through its owner's viewer."""
    viewer = rights.subscriber_viewer(alert.user, alert.workspace)
    ws, filters, _ = parse_view(alert.workspace, alert.query, viewer)
    chart = ws.chart(alert.chart_id)
    if chart is None or chart.kind is not Kind.KPI:
        raise ReportError(f"'{alert.chart_id}' is not a KPI of {ws.title}.")
    view = load_chart(chart, filters, viewer)
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
            notify = bool(last_trip and last_trip.mail not in (AlertEvent.Mail.NONE, AlertEvent.Mail.FAILED))
            if not notify:
                note = "Recovered from a trip that was not e-mailed: recorded, not e-mailed."
        kind = AlertEvent.Kind.TRIPPED if new == Alert.State.TRIPPED else AlertEvent.Kind.RECOVERED
        event = AlertEvent.objects.create(
            alert=alert,
            kind=kind,
            value=value,
            threshold=alert.threshold,
            emailed=False,  # set once the mail server has taken the e-mail (deliver_mail)
            mail=AlertEvent.Mail.PENDING if notify else AlertEvent.Mail.NONE,
            queued_at=now,
            note=note,
            created_at=now,
        )
        if notify:
            Alert.objects.filter(id=alert.id).update(last_notified_at=now)
    if notify:
        try:
            deliver_mail(event.id)
        except Exception as exc:  # kept pending: retried by a task, or by the sweep if none can be queued
            log.warning("alert %s: the e-mail could not be sent (%s); it will be retried", alert.id, exc)
            from .queueing import publish
            from .tasks import send_alert_email

            publish(send_alert_email, event.id, countdown=30)
        event.refresh_from_db()
    return event


def deliver_mail(event_id: int) -> str:
    """Send an event's e-mail if nobody has; returns the mail state afterwards.

    Claimed pending -> sending (exactly one row changed). A refused send goes back to pending and
    raises, for a retry; a connection lost after the server took the message counts as sent (with a
    note), never sent twice."""
    event = AlertEvent.objects.select_related("alert", "alert__user").get(id=event_id)
    if event.mail != AlertEvent.Mail.PENDING:
        return event.mail
    if not event.alert.user.email:
        mail_failed(event_id, f"{event.alert.user.get_username()} has no e-mail address.")
        return AlertEvent.Mail.FAILED
    claimed = AlertEvent.objects.filter(id=event_id, mail=AlertEvent.Mail.PENDING).update(
        mail=AlertEvent.Mail.SENDING, mail_attempts=F("mail_attempts") + 1
    )
    if claimed != 1:
        return AlertEvent.objects.get(id=event_id).mail
    try:
        alert_message(event.alert, event).send()
    except MaybeDelivered as exc:
        AlertEvent.objects.filter(id=event_id).update(
            mail=AlertEvent.Mail.SENT, emailed=True, note=f"Probably delivered: {exc}"[:300]
        )
        return AlertEvent.Mail.SENT
    except Exception as exc:
        AlertEvent.objects.filter(id=event_id, mail=AlertEvent.Mail.SENDING).update(
            mail=AlertEvent.Mail.PENDING, note=f"E-mail failed, will retry: {type(exc).__name__}: {exc}"[:300]
        )
        raise
    AlertEvent.objects.filter(id=event_id).update(mail=AlertEvent.Mail.SENT, emailed=True)
    return AlertEvent.Mail.SENT


def mail_failed(event_id: int, message: str) -> None:
    log.warning("alert event %s: e-mail failed: %s", event_id, message)
    AlertEvent.objects.filter(id=event_id, mail=AlertEvent.Mail.PENDING).update(
        mail=AlertEvent.Mail.FAILED, note=f"E-mail failed: {message}"[:300]
    )


def alert_message(alert: Alert, event: AlertEvent):  # type: ignore[no-untyped-def]
    from django.conf import settings

    ws, filters, _ = parse_view(
        alert.workspace, alert.query, rights.subscriber_viewer(alert.user, alert.workspace)
    )
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
