"""Digests: the schedule, claim-once dispatch, content per recipient over real SMTP (aiosmtpd),
a real worker on the real Redis, and a worker killed mid-run sending exactly one e-mail each."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from accounts.access import DataScope, Viewer
from dashboards.charts.registry import workspace
from dashboards.charts.service import load_chart
from dashboards.filters import load_data_range, load_options, parse_filters
from exports import digests
from exports.models import DigestRun, Subscription
from exports.schedule import Schedule
from tests.fixtures.celery_worker import publishing_to

UTC = dt.UTC


def person(username: str) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.com")
    user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    return user


def due_subscription(owner: User | None = None, *, group: Group | None = None, **fields) -> Subscription:
    creator = owner or User.objects.first()
    assert creator is not None
    sub = digests.subscription_create(
        user=owner, group=group, created_by=creator, workspace="overview",
        query="preset=last_30", frequency="daily", hour=8, time_zone="UTC", **fields,
    )  # fmt: skip
    Subscription.objects.filter(id=sub.id).update(next_run_at=timezone.now() - dt.timedelta(minutes=1))
    sub.refresh_from_db()
    return sub


# --- Schedule ------------------------------------------------------------------------------------------


def test_weekly_and_monthly_send_times_are_in_the_subscribers_time_zone() -> None:
    monday_9_paris = Schedule("weekly", 9, "Europe/Paris", weekday=0)
    t = monday_9_paris.next_after(dt.datetime(2026, 6, 3, 12, tzinfo=UTC))  # a Wednesday
    assert t == dt.datetime(2026, 6, 8, 7, tzinfo=UTC)  # Monday 09:00 CEST
    assert monday_9_paris.last_at_or_before(t) == t
    monthly = Schedule("monthly", 6, "UTC", day_of_month=15)
    assert monthly.next_after(dt.datetime(2026, 6, 15, 6, tzinfo=UTC)) == dt.datetime(
        2026, 7, 15, 6, tzinfo=UTC
    )
    daily = Schedule("daily", 8, "UTC")
    assert (
        len(daily.between(dt.datetime(2026, 6, 1, tzinfo=UTC), dt.datetime(2026, 6, 4, 9, tzinfo=UTC))) == 4
    )


# --- Claim once ----------------------------------------------------------------------------------------


def test_a_period_is_claimed_once_however_often_dispatch_runs(db: None) -> None:
    ana = person("ana")
    sub = due_subscription(ana)
    now = timezone.now()
    first = digests.dispatch_due(now)
    assert len(first) == 1
    assert digests.dispatch_due(now) == [] and digests.claim_period(sub.id, now) == []
    sub.refresh_from_db()
    assert sub.next_run_at > now
    assert DigestRun.objects.filter(subscription=sub, recipient=ana).count() == 1


def test_a_period_that_passed_entirely_is_recorded_as_missed_and_said_in_the_next_digest(db: None) -> None:
    ana = person("ana")
    sub = due_subscription(ana)
    now = timezone.now()
    Subscription.objects.filter(id=sub.id).update(
        next_run_at=sub.schedule.last_at_or_before(now - dt.timedelta(days=3))
    )
    [run_id] = digests.dispatch_due(now)
    missed = DigestRun.objects.get(subscription=sub, status="missed")
    assert "could not be sent" in missed.note and "2 more" in missed.note
    run = DigestRun.objects.get(id=run_id)
    assert run.scheduled_for == sub.schedule.last_at_or_before(now)
    assert "could not be sent" in run.note


def test_paused_subscriptions_are_not_sent_and_resume_from_the_next_send_time(db: None) -> None:
    ana = person("ana")
    sub = due_subscription(ana)
    digests.subscription_pause(sub)
    assert digests.dispatch_due() == []
    digests.subscription_resume(sub)
    sub.refresh_from_db()
    assert sub.active and sub.next_run_at > timezone.now()


# --- Content, per recipient, over SMTP -------------------------------------------------------------------


def _kpi_value(viewer: Viewer, chart_id: str, query: str = "preset=last_30") -> str:
    filters = parse_filters(QueryDict(query), options=load_options(viewer), data=load_data_range(viewer))
    ws = workspace("overview")
    assert ws is not None
    chart = ws.chart(chart_id)
    assert chart is not None
    view = load_chart(chart, filters, viewer)
    assert view.kpi is not None
    return view.kpi.value


def test_each_recipient_gets_the_digest_of_their_own_scope(
    db: None, warehouse: Path, smtp, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    ana, emil = person("ana"), person("emil")
    team = Group.objects.create(name="CX team")
    team.user_set.add(ana, emil)
    sub = due_subscription(None, group=team)
    scoped = Viewer(username="emil", scope=DataScope.of({"region": ["EMEA"]}))
    from exports import rights

    real = rights.viewer_for
    monkeypatch.setattr(rights, "viewer_for", lambda user: scoped if user.username == "emil" else real(user))

    for run_id in digests.dispatch_due():
        assert digests.deliver_run(run_id) == "sent"
    assert sorted(m["To"] for m in smtp.messages) == ["ana@example.com", "emil@example.com"]

    everything = _kpi_value(Viewer("ana"), "kpi_customers")
    emea = _kpi_value(scoped, "kpi_customers")
    assert everything != emea
    for address, value, other in (
        ("ana@example.com", everything, emea),
        ("emil@example.com", emea, everything),
    ):
        [message] = smtp.to(address)
        assert message["Subject"].startswith("Overview digest")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert f"Customers: {value} /" in text and f"Customers: {other} /" not in text
        assert value in html
        assert "http://testserver/w/overview/?preset=last_30" in text
        images = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert len(images) >= 3 and all(f"cid:{p['Content-ID'].strip('<>')}" in html for p in images)
        assert str(message["List-Unsubscribe"]).strip().startswith("<http://testserver/unsubscribe/")

    # The signed link in the e-mail unsubscribes without signing in: emil leaves the group's digest.
    [message] = smtp.to("emil@example.com")
    link = str(message["List-Unsubscribe"]).strip().strip("<>").removeprefix("http://testserver")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert [u.username for u in sub.recipients()] == ["ana"]
    assert client.get("/unsubscribe/forged-token/").status_code == 404


def test_the_subscriptions_page_lists_pauses_and_sends_one_now(
    db: None, signed_in: Client, user: User
) -> None:
    User.objects.filter(id=user.id).update(email="ana.analyst@example.com")  # digests need an address
    response = signed_in.post(
        "/w/overview/subscribe/?preset=last_30",
        {"frequency": "weekly", "weekday": "4", "hour": "7", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    sub = Subscription.objects.get(user=user)
    assert (sub.weekday, sub.hour, sub.time_zone, sub.query) == (
        4,
        7,
        "Europe/Paris",
        "preset=last_30&grain=day",
    )
    page = signed_in.get("/subscriptions/").content.decode()
    assert "Every Friday at 07:00 (Europe/Paris)" in page
    signed_in.post(f"/subscriptions/{sub.id}/pause/")
    sub.refresh_from_db()
    assert not sub.active
    signed_in.post(f"/subscriptions/{sub.id}/send-now/")
    assert DigestRun.objects.filter(subscription=sub, kind="now", status="pending").count() == 1
    other = Client()
    other.force_login(person("olga"))
    assert other.post(f"/subscriptions/{sub.id}/unsubscribe/").status_code == 404


# --- Real workers on the real Redis ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps rows of data migrations (roles)
def test_a_worker_delivers_a_due_digest_with_the_pdf(celery_worker, smtp, warehouse: Path) -> None:
    ana = person("ana")
    due_subscription(ana, attach_pdf=True)
    assert len(digests.dispatch_due()) == 1  # queued on commit to the worker
    [message] = smtp.wait_for(1, timeout=120) or [None]
    assert message is not None, celery_worker.output()[-3000:]
    assert message["To"] == "ana@example.com"
    [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_content().startswith(b"%PDF")
    deadline = time.monotonic() + 20
    while DigestRun.objects.get(recipient=ana).status != "sent" and time.monotonic() < deadline:
        time.sleep(0.1)  # the server has the message a moment before the worker records it
    assert DigestRun.objects.get(recipient=ana).status == "sent"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps rows of data migrations (roles)
def test_a_worker_killed_mid_run_leads_to_exactly_one_email_per_recipient(
    celery_workers, smtp, warehouse: Path
) -> None:
    people = [person(name) for name in ("ana", "bo", "cy")]
    team = Group.objects.create(name="Everyone")
    team.user_set.add(*people)
    sub = due_subscription(None, group=team)
    with publishing_to(12):
        from tests.fixtures.celery_worker import flush_redis

        flush_redis(12)
        first = celery_workers.start("doomed", broker_db=12, visibility_timeout=5)
        killed: list[bool] = []

        def kill_once(message: object) -> None:
            if not killed:
                killed.append(True)
                first.kill()

        smtp.on_message = kill_once
        assert len(digests.dispatch_due()) == 3
        smtp.wait_for(1, timeout=120)
        deadline = time.monotonic() + 10
        while not killed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert killed, first.output()[-4000:]
        assert first.process.wait(15) == -9  # SIGKILL, from the SMTP server's thread
        time.sleep(1)
        assert len(smtp.messages) == 1, "the killed worker sent only the first digest"
        statuses = Counter(DigestRun.objects.filter(subscription=sub).values_list("status", flat=True))
        assert statuses["pending"] == 2, statuses

        second = celery_workers.start("heir", broker_db=12, visibility_timeout=5)
        smtp.wait_for(3, timeout=120)
        time.sleep(12)  # past another visibility timeout and restore cycle: nothing more arrives
        second.stop()
    per_recipient = Counter(str(m["To"]) for m in smtp.messages)
    assert per_recipient == {f"{p.username}@example.com": 1 for p in people}, (
        per_recipient,
        second.output()[-3000:],
    )
