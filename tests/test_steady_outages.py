"""Outages degrade one job with a message and keep it: Redis down (cache and broker), an SMTP server that
drops the connection after taking a message, a refused alert e-mail, a user without an address.

Real Redis (db 9 for the worker that comes back), a real Celery worker, real aiosmtpd; "Redis down" is a
closed local port.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from exports import alerts, digests, queueing
from exports.models import DigestRun, ExportJob, Subscription
from tests.fixtures.celery_worker import (
    SmtpServer,
    _free_port,
    flush_redis,
    publishing_to,
)
from tests.fixtures.portal import TEST_PASSWORD
from tests.fresh_python import run_python

BACK_DB = 9  # the Redis database of the broker that "comes back"


def person(username: str, *, email: bool = True) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.com" if email else "", password=TEST_PASSWORD
    )
    user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    return user


@pytest.fixture
def redis_down(settings: Any) -> Iterator[str]:
    """REDIS_URL pointing at a local port nobody listens on: the cache and the broker as settings make them."""
    url = f"redis://127.0.0.1:{_free_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "dashboards.fallback_cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2},
        }
    }
    with publishing_to(url):
        yield url


# --- Redis down --------------------------------------------------------------------------------------------


def test_local_sign_in_works_while_redis_is_down(db: None, redis_down: str, client: Client) -> None:
    user = person("rita")
    response = client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:300]


def test_healthz_says_degraded_not_down_when_only_the_cache_is_down(
    db: None, redis_down: str, client: Client, warehouse: Path
) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["degraded"] == ["cache"] and body["down"] == []
    assert body["cache"]["ok"] is False and body["cache"]["error"]


def test_export_and_send_now_with_the_queue_down_are_kept_and_said_so(
    db: None, redis_down: str, client: Client, warehouse: Path, django_capture_on_commit_callbacks: Any
) -> None:
    user = person("quinn")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):  # as after a real request's commit
        response = client.post("/w/overview/export.pdf?preset=last_30")
    assert response.status_code == 302
    job = ExportJob.objects.get(user=user)
    assert job.status == "queued" and job.message == queueing.QUEUE_DOWN_MESSAGE
    assert "not answering" in client.get(response["Location"]).content.decode()

    sub = digests.subscription_create(
        user=user, created_by=user, workspace="overview", query="preset=last_30"
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/subscriptions/{sub.id}/send-now/", follow=True).content.decode()
    assert "digest is sent when the queue is back" in page
    assert "on its way" not in page
    assert DigestRun.objects.get(subscription=sub).status == "pending"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_was_kept_while_the_queue_was_down_is_done_once_it_is_back(
    celery_workers, smtp: SmtpServer, warehouse: Path, settings: Any
) -> None:
    user = person("ursula")
    job = ExportJob.objects.create(user=user, workspace="overview", query="preset=last_30", queued_at=None)
    sub = Subscription.objects.create(
        user=user,
        workspace="overview",
        query="preset=last_30",
        next_run_at=timezone.now() + dt.timedelta(days=1),
    )
    run = DigestRun.objects.create(subscription=sub, recipient=user, scheduled_for=timezone.now(), kind="now")
    flush_redis(BACK_DB)
    worker = celery_workers.start("back", broker_db=BACK_DB)
    try:
        with publishing_to(BACK_DB):
            # The worker queued both again when it started (worker_ready); beat's sweep does it too.
            smtp.wait_for(1, timeout=180)
            deadline = timezone.now() + dt.timedelta(seconds=180)
            while timezone.now() < deadline and ExportJob.objects.get(id=job.id).status != "done":
                time.sleep(0.5)
            # Queued again at once (a second sweep) must not run either twice.
            assert queueing.requeue_stalled(timezone.now() + dt.timedelta(minutes=10))["exports"] == 0
            time.sleep(5)
    finally:
        worker.stop()
    assert ExportJob.objects.get(id=job.id).status == "done", worker.output()[-3000:]
    assert DigestRun.objects.get(id=run.id).status == "sent"
    assert len(smtp.to("ursula@example.com")) == 1
    assert ExportJob.objects.get(id=job.id).attempts == 1


def test_a_queued_thing_older_than_the_give_up_time_fails_visibly(db: None, settings: Any) -> None:
    user = person("gus")
    old = timezone.now() - dt.timedelta(hours=settings.EXPORTS_GIVE_UP_HOURS + 1)
    job = ExportJob.objects.create(user=user, workspace="overview", created_at=old)
    counts = queueing.requeue_stalled()
    job.refresh_from_db()
    assert counts["failed"] == 1 and job.status == "failed" and "please export again" in job.message


# --- SMTP ----------------------------------------------------------------------------------------------------


class _StoreThenDrop:
    """Stores the message, then closes the connection before answering the DATA."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        server.transport.close()
        return "250 OK"


@pytest.fixture
def dropping_smtp(settings: Any) -> Iterator[_StoreThenDrop]:
    from aiosmtpd.controller import Controller

    handler = _StoreThenDrop()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "exports.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.PORTAL_URL = "http://testserver"
    yield handler
    controller.stop()


def _alert(user: User, threshold: float = 0.9) -> Any:
    from exports.models import Alert

    return Alert.objects.create(
        user=user, workspace="overview", chart_id="kpi_avg_sentiment", query="preset=last_30",
        operator="below", threshold=threshold, cooldown_minutes=0,
    )  # fmt: skip


def test_a_server_that_takes_the_digest_and_drops_the_connection_gets_one_copy(
    db: None, warehouse: Path, dropping_smtp: _StoreThenDrop
) -> None:
    user = person("dora")
    sub = digests.subscription_create(
        user=user, created_by=user, workspace="overview", query="preset=last_30"
    )
    run = DigestRun.objects.create(subscription=sub, recipient=user, scheduled_for=timezone.now(), kind="now")
    assert digests.deliver_run(run.id) == "sent"
    assert digests.deliver_run(run.id) == "sent"  # a retry, or the sweep, finds it sent
    assert len(dropping_smtp.messages) == 1
    run.refresh_from_db()
    assert run.status == "sent" and "Probably delivered" in run.error


def test_a_server_that_takes_an_alert_mail_and_drops_the_connection_gets_one_copy(
    db: None, warehouse: Path, dropping_smtp: _StoreThenDrop
) -> None:
    event = alerts.evaluate(_alert(person("dan")).id)
    assert event is not None and event.mail == "sent" and event.emailed
    assert alerts.deliver_mail(event.id) == "sent"
    assert len(dropping_smtp.messages) == 1


def test_an_alert_mail_that_failed_is_not_recorded_as_emailed_and_is_retried(
    db: None, warehouse: Path, smtp: SmtpServer, settings: Any
) -> None:
    settings.EMAIL_PORT = _free_port()  # nobody listens: refused before anything was sent
    event = alerts.evaluate(_alert(person("erin")).id)
    assert event is not None and event.mail == "pending" and not event.emailed
    assert "will retry" in event.note
    settings.EMAIL_PORT = smtp.port  # the mail server is back: the retry task (or the sweep) sends it
    assert queueing.requeue_stalled(timezone.now() + dt.timedelta(minutes=10))["alert_mails"] == 1
    assert alerts.deliver_mail(event.id) == "sent"
    event.refresh_from_db()
    assert event.emailed and len(smtp.to("erin@example.com")) == 1


# --- Users without an e-mail address; the demo --------------------------------------------------------------


def test_send_now_without_an_email_address_says_so_and_queues_nothing(
    db: None, client: Client, warehouse: Path
) -> None:
    user = person("nomail", email=False)
    client.force_login(user)
    sub = Subscription.objects.create(
        user=user, workspace="overview", next_run_at=timezone.now() + dt.timedelta(days=1)
    )
    page = client.post(f"/subscriptions/{sub.id}/send-now/", follow=True).content.decode()
    assert "has no e-mail address" in page and "on its way" not in page
    assert not DigestRun.objects.exists()
    response = client.post("/w/overview/subscribe/", {"frequency": "weekly", "time_zone": "UTC"})
    assert response.status_code == 400 and b"no e-mail address" in response.content
    assert Subscription.objects.count() == 1
    assert "has no e-mail address" in client.get("/w/overview/subscribe/").content.decode()


def test_demo_users_have_email_addresses(db: None, settings: Any, tmp_path: Path) -> None:
    from accounts.demo import ensure_demo_users

    settings.VAR_DIR = tmp_path
    logins = ensure_demo_users()
    emails = {u.username: u.email for u in User.objects.filter(username__in=[x.username for x in logins])}
    assert emails and all(e == f"{name}@example.com" for name, e in emails.items())


def test_portal_url_follows_host_and_port_when_unset() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_URL"}
    env.update(PORT="8107", HOST="127.0.0.1", DJANGO_SETTINGS_MODULE="config.settings")
    code = "import django; django.setup(); from django.conf import settings; print(settings.PORTAL_URL)"
    out = run_python(code, env, check=False)
    assert out.stdout.strip() == "http://127.0.0.1:8107", out.stderr[-2000:]


# --- The embedded broker --------------------------------------------------------------------------------------


def test_the_sqlite_broker_delivers_each_message_once_and_its_delivered_rows_are_purged(
    settings: Any, tmp_path: Path
) -> None:
    from kombu import Connection

    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    settings.CELERY_BROKER_URL = url
    options = {"connect_args": {"timeout": 30}}
    with Connection(url, transport_options=options) as conn:
        queue = conn.SimpleQueue("soak")
        for n in range(5):
            queue.put({"n": n})
        got = []
        for _ in range(5):
            message = queue.get(timeout=5)
            got.append(message.payload["n"])
            message.ack()
        with pytest.raises(queue.Empty):
            queue.get(timeout=0.5)
        queue.close()
    assert got == [0, 1, 2, 3, 4]
    assert queueing.purge_delivered_messages(dt.timedelta(0)) == 5
    import sqlite3

    with sqlite3.connect(tmp_path / "broker.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM kombu_message").fetchone()[0] == 0


def lose_the_table_race_once(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """kombu's first making of its tables fails as SQLite fails the loser of the race between worker and
    beat on a new broker file (the other made the table first); the later ones make them. Returns the
    engines each call was given, in order."""
    import kombu.transport.sqlalchemy as sqla
    from sqlalchemy.exc import OperationalError

    real_create_all = sqla.metadata.create_all
    calls: list[object] = []

    def create_all(engine: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(engine)
        if len(calls) == 1:
            raise OperationalError(
                "CREATE TABLE kombu_queue", {}, Exception("table kombu_queue already exists")
            )
        real_create_all(engine, *args, **kwargs)

    monkeypatch.setattr(sqla.metadata, "create_all", create_all)
    return calls


def test_beat_keeps_sending_after_the_broker_failed_to_open(
    transactional_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the first `make run`, worker and beat open a new broker file together, and one of them finds the
    other's table already made. In beat, the failed send used to leave celery's one producer on a closed
    channel: every later send failed ('channel disconnected') until beat was restarted."""
    import json
    import sqlite3

    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from config.celery import app
    from exports.beat import Scheduler

    opened = lose_the_table_race_once(monkeypatch)
    # The rows the migrations make (a transactional test before this one may have flushed them).
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    for name, task in [
        ("Dispatch due digests", "exports.tasks.dispatch_digests"),
        ("Evaluate due alerts", "exports.tasks.evaluate_alerts"),
    ]:
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every_minute})
    broker = tmp_path / "broker.sqlite3"
    with publishing_to(f"sqla+sqlite:///{broker}"):
        scheduler = Scheduler(app=app)  # django-celery-beat's, reading the periodic tasks' rows
        due = [entry.task for entry in scheduler.schedule.values()]
        for _tick in range(2):  # as Scheduler.tick sends each due entry
            for entry in scheduler.schedule.values():
                scheduler.apply_entry(entry, producer=scheduler.producer)
        scheduler.drop_connection()
    assert len(opened) >= 2  # the failure happened, and the broker was opened again
    with sqlite3.connect(broker) as con:
        sent = [
            json.loads(payload)["headers"]["task"]
            for (payload,) in con.execute("SELECT payload FROM kombu_message")
        ]
    assert {"exports.tasks.dispatch_digests", "exports.tasks.evaluate_alerts"} <= set(due)
    assert sorted(sent) == sorted(due * 2)


def test_worker_and_beat_make_the_broker_tables_before_their_first_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race at its root: worker and beat make kombu's tables when they start (worker_init,
    beat_init), and the one that finds the other's table already made tries again. Their first send
    then makes nothing, so it cannot lose that race."""
    import sqlite3

    from config.celery import _prepare_broker, app

    calls = lose_the_table_race_once(monkeypatch)
    broker = tmp_path / "broker.sqlite3"
    with publishing_to(f"sqla+sqlite:///{broker}"):
        _prepare_broker()
        with sqlite3.connect(broker) as con:
            tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            assert {"kombu_queue", "kombu_message"} <= tables
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        app.send_task("exports.tasks.dispatch_digests")  # a first send on a connection of its own
    assert len(calls) == 2  # the lost race and its second try; the send made no tables
    with sqlite3.connect(broker) as con:
        assert con.execute("SELECT COUNT(*) FROM kombu_message").fetchone()[0] == 1
