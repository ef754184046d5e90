"""Putting work on the Celery queue without ever failing the request, and picking up what was dropped.

- `enqueue(task, *args)` publishes after the current transaction commits; when the broker does not
  answer (Redis down) it logs and returns False instead of raising: the job, digest run or alert mail
  is a row in the database already, and `requeue_stalled` queues it again later.
- `requeue_stalled(now)` (beat, every minute, and when a worker starts) queues again every export job,
  digest run and alert e-mail that has waited longer than EXPORTS_REQUEUE_AFTER_MINUTES since it was
  last queued, and fails visibly those older than EXPORTS_GIVE_UP_HOURS. Queuing twice is harmless:
  each task claims its row with a conditional UPDATE before doing anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import AlertEvent, DigestRun, ExportJob

log = logging.getLogger(__name__)

RUNNING_LEASE = dt.timedelta(minutes=10)  # an export "running" this long lost its worker (PDFs take seconds)
QUEUE_DOWN_MESSAGE = "The task queue is not answering; this is kept and starts when the queue is back."


def publish(task: Any, *args: Any, countdown: float | None = None) -> bool:
    """Publish now; False (logged) when the broker cannot take it."""
    try:
        task.apply_async(args=args, countdown=countdown)
    except Exception as exc:
        log.warning(
            "could not queue %s%r: %s: %s; it stays in the database and is queued again later",
            getattr(task, "name", task),
            args,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def enqueue(task: Any, *args: Any) -> list[bool]:
    """Publish once the current transaction commits. The returned list gets the outcome (True/False)
    when that happens: at once outside a transaction."""
    outcome: list[bool] = []
    transaction.on_commit(lambda: outcome.append(publish(task, *args)))
    return outcome


def _after() -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.EXPORTS_REQUEUE_AFTER_MINUTES))


def _give_up() -> dt.timedelta:
    return dt.timedelta(hours=int(settings.EXPORTS_GIVE_UP_HOURS))


def _waited(now: dt.datetime) -> Q:
    return Q(queued_at__isnull=True) | Q(queued_at__lt=now - _after())


def requeue_stalled(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again what waited too long; fail what waited longer than the give-up time."""
    from .tasks import export_pdf, send_alert_email, send_digest

    now = now or timezone.now()
    hours = int(settings.EXPORTS_GIVE_UP_HOURS)
    counts = {"exports": 0, "digests": 0, "alert_mails": 0, "failed": 0}
    too_old = now - _give_up()

    counts["failed"] += ExportJob.objects.filter(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING], created_at__lt=too_old
    ).update(
        status=ExportJob.Status.FAILED,
        message=f"No worker could run this export within {hours} hours; please export again.",
        finished_at=now,
    )
    counts["failed"] += DigestRun.objects.filter(
        status=DigestRun.Status.PENDING, created_at__lt=too_old
    ).update(status=DigestRun.Status.FAILED, error=f"No worker could send this digest within {hours} hours.")
    counts["failed"] += AlertEvent.objects.filter(
        mail=AlertEvent.Mail.PENDING, created_at__lt=too_old
    ).update(mail=AlertEvent.Mail.FAILED, note=f"The e-mail could not be sent within {hours} hours.")

    stale_running = Q(status=ExportJob.Status.RUNNING, started_at__lt=now - RUNNING_LEASE)
    for job_id in ExportJob.objects.filter(
        (Q(status=ExportJob.Status.QUEUED) & _waited(now)) | stale_running
    ).values_list("id", flat=True):
        ExportJob.objects.filter(id=job_id).filter(Q(status=ExportJob.Status.QUEUED) | stale_running).update(
            status=ExportJob.Status.QUEUED, queued_at=now
        )
        counts["exports"] += publish(export_pdf, str(job_id))
    for run_id in DigestRun.objects.filter(Q(status=DigestRun.Status.PENDING) & _waited(now)).values_list(
        "id", flat=True
    ):
        DigestRun.objects.filter(id=run_id).update(queued_at=now)
        counts["digests"] += publish(send_digest, run_id)
    for event_id in AlertEvent.objects.filter(Q(mail=AlertEvent.Mail.PENDING) & _waited(now)).values_list(
        "id", flat=True
    ):
        AlertEvent.objects.filter(id=event_id).update(queued_at=now)
        counts["alert_mails"] += publish(send_alert_email, event_id)
    counts["broker_rows_purged"] = purge_delivered_messages()
    if any(counts.values()):
        log.info("requeue_stalled: %s", counts)
    return counts


def purge_delivered_messages(older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Delete delivered messages from the embedded SQLite broker (kombu's SQLAlchemy transport keeps
    them, marked invisible, for ever), so the file stays small over days. Other brokers: nothing."""
    import sqlite3

    prefix = "sqla+sqlite:///"
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(prefix):
        return 0
    path = url[len(prefix) :]
    cutoff = (dt.datetime.now() - older_than).strftime(
        "%Y-%m-%d %H:%M:%S.%f"
    )  # kombu stores local time, with microseconds
    try:
        with sqlite3.connect(path, timeout=30) as db:
            return db.execute(
                "DELETE FROM kombu_message WHERE visible = 0 AND timestamp < ?", [cutoff]
            ).rowcount
    except sqlite3.Error as exc:
        log.warning("could not purge delivered broker messages from %s: %s", path, exc)
        return 0
