"""/api/v1/ PDF export jobs: start one for a view, poll it, download it (registered on the portal's API)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema

from accounts import audit
from dashboards.api import schemas as s
from dashboards.api import service
from dashboards.api.conditional import json_response
from dashboards.api.errors import ERRORS, ApiError

from . import jobs
from .models import ExportJob

router = Router(tags=["exports"])


class ExportJobOut(Schema):
    id: uuid.UUID
    workspace: str
    query: str
    status: str
    progress: int
    message: str
    expired: bool
    status_url: str
    download_url: str | None = None


def _state(job: ExportJob) -> dict[str, Any]:
    ready = job.status == ExportJob.Status.DONE and not job.expired
    return {
        "id": job.id,
        "workspace": job.workspace,
        "query": job.query,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "expired": job.expired,
        "status_url": reverse("api:export_status", args=[job.id]),
        "download_url": reverse("api:export_download", args=[job.id]) if ready else None,
    }


def _own(request: HttpRequest, job_id: uuid.UUID) -> ExportJob:
    job = ExportJob.objects.defer("pdf").filter(id=job_id, user_id=request.user.pk or 0).first()
    if job is None:
        raise Http404(f"job_id: {job_id} is not one of your exports")
    return job


@router.post("/workspaces/{slug}/exports", response={202: ExportJobOut, **ERRORS}, url_name="export_start")
def export_start(request: HttpRequest, slug: str, filters: Query[s.FilterQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """Queue a PDF of the view named by the query parameters (validated as the page validates them)."""
    page = service.page(request, slug)
    if not page.viewer.can_export:
        audit.record("denied", audit.asked(request), request=request, reason="role may not export")
        raise ApiError(403, "forbidden", "Your role may not export data.")
    assert isinstance(request.user, User)
    job = jobs.export_create(user=request.user, slug=page.workspace.slug, query=page.filters.querystring())
    audit.record("export", audit.asked(request), request=request, format="pdf", job=str(job.id))
    response = json_response(ExportJobOut, _state(job), status=202)
    response["Location"] = reverse("api:export_status", args=[job.id])
    return response


@router.get("/exports/{job_id}", response={200: ExportJobOut, **ERRORS}, url_name="export_status")
def export_status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """Where the export job is: queued, running (with progress), done or failed."""
    service.viewer_of(request)
    return json_response(ExportJobOut, _state(_own(request, job_id)))


@router.get(
    "/exports/{job_id}/download",
    response={200: bytes, 409: s.Error, 410: s.Error, **ERRORS},
    url_name="export_download",
    openapi_extra={"responses": {200: {"description": "The PDF", "content": {"application/pdf": {}}}}},
)
def export_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The finished PDF (409 while the job is not done, 410 once the link has expired)."""
    service.viewer_of(request)
    job = ExportJob.objects.filter(id=job_id, user_id=request.user.pk or 0).first()
    if job is None:
        raise Http404(f"job_id: {job_id} is not one of your exports")
    if job.status != ExportJob.Status.DONE:
        raise ApiError(409, "not_ready", f"job_id: this export is {job.status}, not done")
    if job.expired or job.pdf is None:
        raise ApiError(410, "expired", "job_id: this download has expired; export the view again")
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
