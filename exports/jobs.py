"""PDF export jobs: create one for a view (queued on commit), run it in a worker, record the outcome."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import rights
from .models import ExportJob
from .pdf import render_workspace_pdf
from .queueing import QUEUE_DOWN_MESSAGE, RUNNING_LEASE, enqueue
from .report import ReportError
from .scenario_pdf import SLUG as SCENARIO_SLUG
from .scenario_pdf import render_scenario_pdf

log = logging.getLogger(__name__)


def export_create(*, user: User, slug: str, query: str) -> ExportJob:
    """Create the job and queue it. When the queue does not answer, the job is kept with a message
    saying so, and `queueing.requeue_stalled` queues it when the queue is back."""
    from .tasks import export_pdf

    job = ExportJob.objects.create(
        user=user, workspace=slug, query=query, message="Waiting for a worker", queued_at=timezone.now()
    )
    outcome = enqueue(export_pdf, str(job.id))

    def record() -> None:
        if outcome == [False]:
            ExportJob.objects.filter(id=job.id, status=ExportJob.Status.QUEUED).update(
                message=QUEUE_DOWN_MESSAGE, queued_at=None
            )
            job.message = QUEUE_DOWN_MESSAGE

    transaction.on_commit(record)
    return job


def export_requeue(job_id: str, message: str) -> None:
    """A retryable failure: back to queued, so the retry (or the sweep) may claim it again."""
    ExportJob.objects.filter(id=job_id, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.QUEUED, message=f"Will try again: {message}"[:500], queued_at=timezone.now()
    )


def _progress(job_id: str):  # type: ignore[no-untyped-def]
    def report(fraction: float, message: str) -> None:
        ExportJob.objects.filter(id=job_id, status=ExportJob.Status.RUNNING).update(
            progress=min(99, int(fraction * 100)), message=message[:500]
        )

    return report


def export_run(job_id: str) -> None:
    """Render the job's PDF for its requester's viewer. Idempotent: a finished job is left alone."""
    job = ExportJob.objects.select_related("user").get(id=job_id)
    now = timezone.now()
    # The claim: one delivery of the task moves the job from queued to running (a job queued twice by
    # the sweep runs once); a "running" job whose worker died long ago may be claimed again.
    claimable = Q(status=ExportJob.Status.QUEUED) | Q(
        status=ExportJob.Status.RUNNING, started_at__lt=now - RUNNING_LEASE
    )
    claimed = (
        ExportJob.objects.filter(claimable, id=job.id).update(
            status=ExportJob.Status.RUNNING,
            started_at=now,
            progress=1,
            message="Started",
            attempts=F("attempts") + 1,
        )
        == 1
    )
    if not claimed:
        return
    try:
        viewer = rights.exporter_viewer(job.user, job.workspace)
        render = render_scenario_pdf if job.workspace == SCENARIO_SLUG else render_workspace_pdf
        pdf = render(job.workspace, job.query, viewer, progress=_progress(str(job.id)))
    except ReportError as exc:
        export_failed(str(job.id), str(exc))
        return
    finished = timezone.now()
    ExportJob.objects.filter(id=job.id).update(
        status=ExportJob.Status.DONE,
        pdf=pdf,
        progress=100,
        message="Ready",
        filename=f"{job.workspace}-{timezone.localtime(finished):%Y%m%d-%H%M}.pdf",
        finished_at=finished,
        expires_at=finished + dt.timedelta(hours=settings.EXPORT_LINK_HOURS),
    )


def export_failed(job_id: str, message: str) -> None:
    log.warning("PDF export %s failed: %s", job_id, message)
    ExportJob.objects.filter(id=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


def exports_purge(now: dt.datetime | None = None) -> int:
    """Drop the files of expired exports (the rows stay as history)."""
    return ExportJob.objects.filter(expires_at__lte=now or timezone.now(), pdf__isnull=False).update(pdf=None)
