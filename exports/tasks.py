"""Celery tasks: thin. Each loads by id, calls a function of this app, retries warehouse and mail
errors with backoff, and records a final failure where the user sees it. All acknowledge late
(settings), so a task whose worker is killed goes to another worker."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_process_init, worker_ready

from dashboards.warehouse.errors import WarehouseError

RETRYABLE = (WarehouseError, smtplib.SMTPException, ConnectionError, TimeoutError)
MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    return min(600, 10 * 2**retries)


def _retry_or_record(task: Task, exc: Exception, record: Any) -> None:
    if task.request.retries >= MAX_RETRIES:
        record(f"{type(exc).__name__}: {exc}")
        raise exc
    raise task.retry(exc=exc, countdown=_backoff(task.request.retries), max_retries=MAX_RETRIES)


@worker_process_init.connect
def _warm_kaleido(**kwargs: Any) -> None:
    """The first pool process starts its kaleido server (Chromium) with the process, so the first export
    is warm; the others start theirs when they first draw an image (a Chromium is about 400 MB, and
    most of the time one export runs at once)."""
    import threading

    from billiard.process import current_process

    from . import images

    if getattr(current_process(), "index", 0) == 0:
        threading.Thread(target=images.start, daemon=True).start()


@shared_task(bind=True)
def export_pdf(self: Task, job_id: str) -> None:
    from . import jobs

    try:
        jobs.export_run(job_id)
    except RETRYABLE as exc:
        if self.request.retries < MAX_RETRIES:
            jobs.export_requeue(job_id, f"{type(exc).__name__}: {exc}")
        _retry_or_record(self, exc, lambda message: jobs.export_failed(job_id, message))
    except Exception as exc:
        jobs.export_failed(job_id, f"The export failed: {type(exc).__name__}: {exc}")
        raise


@shared_task
def dispatch_digests() -> int:
    from . import digests

    return len(digests.dispatch_due())


@shared_task(bind=True)
def send_digest(self: Task, run_id: int) -> None:
    from . import digests

    try:
        digests.deliver_run(run_id)
    except RETRYABLE as exc:
        _retry_or_record(self, exc, lambda message: digests.run_failed(run_id, message))
    except Exception as exc:
        digests.run_failed(run_id, f"{type(exc).__name__}: {exc}")
        raise


@shared_task
def evaluate_alerts() -> int:
    from . import alerts

    ids = alerts.claim_due()
    for alert_id in ids:
        check_alert.delay(alert_id)
    return len(ids)


@shared_task(bind=True)
def check_alert(self: Task, alert_id: int) -> None:
    from . import alerts
    from .models import Alert

    try:
        alerts.evaluate(alert_id)
    except RETRYABLE as exc:
        _retry_or_record(
            self, exc, lambda message: Alert.objects.filter(id=alert_id).update(last_error=message)
        )


@shared_task
def purge_exports() -> int:
    from . import jobs

    return jobs.exports_purge()


@shared_task(bind=True)
def send_alert_email(self: Task, event_id: int) -> None:
    """Send (or retry) an alert's e-mail; the event's mail state is the claim, so it is sent once."""
    from . import alerts

    try:
        alerts.deliver_mail(event_id)
    except RETRYABLE as exc:
        _retry_or_record(self, exc, lambda message: alerts.mail_failed(event_id, message))


@shared_task
def requeue_stalled() -> dict[str, int]:
    from . import queueing

    return queueing.requeue_stalled()


@worker_ready.connect
def _requeue_on_start(**kwargs: Any) -> None:
    """A worker that starts picks up what was dropped while none ran (or while the queue was down)."""
    import logging

    from . import queueing

    try:
        queueing.requeue_stalled()
    except Exception:
        logging.getLogger(__name__).exception("requeue at worker start failed")


@shared_task
def warm_cache() -> int:
    """Beat, every minute: when the warehouse's data version changed, warm every role's default views."""
    from . import warming

    warmed = warming.warm_if_changed()
    return warmed.fragments if warmed else 0


from .churn_tasks import retrain_churn  # noqa: E402, F401 - registers the monthly churn retraining with the worker
