"""The Celery app: Redis as broker when REDIS_URL (or CELERY_BROKER_URL) is set, otherwise kombu's
SQLAlchemy transport on a SQLite file (var/broker.sqlite3), so `make run` starts web, worker and beat on
one machine with no server. Settings are the CELERY_* names in config/settings.py; periodic tasks live
in the database (django-celery-beat), editable in the admin.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _sqlite_broker_wal(url: str) -> None:
    """Put a SQLite broker file in WAL mode (persistent), so readers never wait for the writer."""
    prefix = "sqla+sqlite:///"
    if not url.startswith(prefix) or url == prefix + ":memory:":
        return
    with (
        contextlib.suppress(sqlite3.Error),
        contextlib.closing(sqlite3.connect(url[len(prefix) :], 30)) as db,
    ):
        db.execute("PRAGMA journal_mode=WAL")


@worker_init.connect
@beat_init.connect
def _prepare_broker(**kwargs: object) -> None:
    _sqlite_broker_wal(str(app.conf.broker_url or ""))
