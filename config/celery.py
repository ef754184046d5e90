"""The Celery app: Redis as broker when REDIS_URL (or CELERY_BROKER_URL) is set, otherwise kombu's
SQLAlchemy transport on a SQLite file (var/broker.sqlite3), so `make run` starts web, worker and beat on
one machine with no server. Settings are the CELERY_* names in config/settings.py; periodic tasks live
in the database (django-celery-beat), editable in the admin.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)
BROKER_OPEN_ATTEMPTS = 3
SQLITE_BROKER = "sqla+sqlite:///"  # the embedded default (config/settings.py): a file beside the app


def _sqlite_broker_wal(path: str) -> None:
    """Put a SQLite broker file in WAL mode (persistent), so readers never wait for the writer."""
    if path == ":memory:":
        return
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(path, 30)) as db:
        db.execute("PRAGMA journal_mode=WAL")


def _open_sqlite_broker(url: str) -> None:
    """Make kombu's tables in a new SQLite broker file before this process sends or reads anything.

    Worker and beat start together on the first `make run`, and both would make the tables on their
    first use of the file: the one that finds the other's table already made failed that first send
    or read (in beat, it once left every later send failing; exports/beat.py). Made here, a loser of
    that race tries again and finds the tables; kombu keeps the opened engine for the process, so its
    first send or read makes nothing."""
    for attempt in range(1, BROKER_OPEN_ATTEMPTS + 1):
        try:
            with app.connection_for_write() as connection:
                connection.default_channel.session  # noqa: B018 (opening it makes the tables)
            return
        except Exception as exc:
            if attempt == BROKER_OPEN_ATTEMPTS:
                log.warning(
                    "broker: could not open %s (%s: %s); the first send will try",
                    url,
                    type(exc).__name__,
                    exc,
                )
                return
            time.sleep(0.1 * attempt)


@worker_init.connect
@beat_init.connect
def _prepare_broker(**kwargs: object) -> None:
    url = str(app.conf.broker_url or "")
    if not url.startswith(SQLITE_BROKER):  # Redis needs neither
        return
    _sqlite_broker_wal(url[len(SQLITE_BROKER) :])
    _open_sqlite_broker(url)
