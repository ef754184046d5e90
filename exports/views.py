"""Downloads, PDF export jobs, subscriptions and unsubscribe links.

Every export goes through the same access, filters and compiler as the page; a job or subscription
is found only among the signed-in user's own (others get a 404).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.access import viewer_for
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.service import load_chart
from dashboards.filters import FilterError, salvage
from dashboards.presets import preference_of, visible_presets
from dashboards.refusals import forbidden
from dashboards.views import Page, bad_filter, load_page, visible_workspaces
from dashboards.warehouse.client import WarehouseError

from . import digests, jobs, scenario_pdf
from .csv import chart_rows, write_csv
from .models import ExportJob, Subscription
from .outbox import is_outbox
from .report import ReportError, describe_filters

NO_SUBSCRIBE = "Your role may not subscribe to digests."


def _back(page: Page) -> str:
    """The view a refusal leads back to."""
    return f"{reverse('workspace', args=[page.workspace.slug])}?{page.filters.querystring()}"


def with_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load the workspace view named by the URL (access, filters) or answer with why it cannot be."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        try:
            page = load_page(request, slug)
        except FilterError as error:
            return bad_filter(request, error)
        except WarehouseError as error:
            return HttpResponse(
                f"The warehouse is unavailable: {error}", status=503, content_type="text/plain"
            )
        return view(request, page, **kwargs)

    return wrapper


@require_GET
@with_page
def chart_csv(request: HttpRequest, page: Page, chart_id: str) -> HttpResponse:
    chart = page.workspace.chart(chart_id)
    if chart is None:
        raise Http404("No such chart")
    if not page.viewer.can_export:
        return forbidden(
            request, "Your role may not export data, so it cannot download CSV files.", back_url=_back(page)
        )
    view = load_chart(chart, page.filters, page.viewer)
    if view.error or view.result is None:
        return HttpResponse(view.error, status=503, content_type="text/plain")
    header, rows = chart_rows(view)
    filters = page.filters
    filename = f"{page.workspace.slug}-{chart.id}-{filters.date_from}-{filters.date_to}.csv"
    response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    audit.record("export", audit.asked(request), request=request, format="csv", rows=len(rows))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def where_mail_goes() -> str:
    """A sentence for the demo, whose e-mail stays in the outbox folder; nothing with a mail server."""
    if is_outbox():
        return (
            " This portal has no mail server: its e-mail is kept in the Outbox (at the top of the page), "
            "where you can read it."
        )
    return ""


# --- PDF export -----------------------------------------------------------------------------------------


@require_POST
@with_page
def export_pdf(request: HttpRequest, page: Page) -> HttpResponse:
    """Queue a PDF of the view in the query string (validated as the page validates it)."""
    if not page.viewer.can_export:
        return forbidden(
            request, "Your role may not export data, so it cannot export a PDF.", back_url=_back(page)
        )
    assert isinstance(request.user, User)
    job = jobs.export_create(user=request.user, slug=page.workspace.slug, query=page.filters.querystring())
    audit.record("export", audit.asked(request), request=request, format="pdf", job=str(job.id))
    return redirect("export_job", job_id=job.id)


@require_POST
def export_scenario_pdf(request: HttpRequest) -> HttpResponse:
    """Queue a PDF of the campaign scenario in the query string (checked as the simulator checks it)."""
    viewer = viewer_for(request.user)
    back = f"{reverse('campaigns')}?{request.GET.urlencode()}"
    if not viewer.may_open(scenario_pdf.SLUG):
        audit.record("denied", audit.asked(request), request=request, reason="workspace not in role")
        raise Http404("No such workspace")
    if not viewer.can_export:
        return forbidden(request, "Your role may not export data, so it cannot export a PDF.", back_url=back)
    try:
        default = preference_of(request.user).default_preset
        sim = scenario_pdf.simulate(request.GET.urlencode(), viewer, default_preset=default)
    except ReportError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    except WarehouseError as error:
        return HttpResponse(f"The warehouse is unavailable: {error}", status=503, content_type="text/plain")
    assert isinstance(request.user, User)
    job = jobs.export_create(user=request.user, slug=scenario_pdf.SLUG, query=sim.querystring())
    audit.record("export", audit.asked(request), request=request, format="pdf", job=str(job.id))
    return redirect("export_job", job_id=job.id)


def _own_job(request: HttpRequest, job_id: str) -> ExportJob:
    return get_object_or_404(ExportJob.objects.defer("pdf"), id=job_id, user_id=request.user.pk)


def _expiry(job: ExportJob) -> str:
    """When the download link expires, in words: the time once known, else how long after it is ready."""
    if job.expires_at:
        return date_format(timezone.localtime(job.expires_at), "j M Y, H:i T")
    hours = settings.EXPORT_LINK_HOURS
    return f"{hours} hour{'s' if hours != 1 else ''} after it is ready"


def _job_state(job: ExportJob) -> dict[str, object]:
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "message": job.message,
        "expired": job.expired,
        "expires": _expiry(job),
        "download_url": reverse("export_download", args=[job.id])
        if job.status == ExportJob.Status.DONE and not job.expired
        else "",
    }


@require_GET
def export_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _own_job(request, job_id)
    workspace = WORKSPACES.get(job.workspace)

    context = {
        "job": job,
        "state": _job_state(job),
        "workspace": workspace,
        "workspaces": visible_workspaces(request),
        "view_url": f"{reverse('workspace', args=[job.workspace])}?{job.query}",
        "query_words": [(k, ", ".join(QueryDict(job.query).getlist(k))) for k in QueryDict(job.query)],
    }
    return render(request, "exports/job.html", context)


@require_GET
def export_status(request: HttpRequest, job_id: str) -> JsonResponse:
    return JsonResponse(_job_state(_own_job(request, job_id)))


@require_GET
def export_download(request: HttpRequest, job_id: str) -> HttpResponse:
    job = get_object_or_404(ExportJob, id=job_id, user_id=request.user.pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404("This export is not ready")
    if job.expired or job.pdf is None:
        return HttpResponse(
            "This download link has expired; export the view again.", status=410, content_type="text/plain"
        )
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Subscriptions --------------------------------------------------------------------------------------

_FIELDS = ("frequency", "weekday", "day_of_month", "hour", "time_zone")


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return min(max(number, low), high)


def _subscribed_query(request: HttpRequest, page: Page) -> str:
    """The filters a new subscription keeps: a saved preset's (what is still in the data), or this view's."""
    preset = visible_presets(request.user).filter(pk=_int(request.POST.get("preset"), 0, 0, 2**31)).first()
    if preset is None:
        return page.filters.querystring()
    kept, _ = salvage(QueryDict(preset.query), options=page.options, data=page.data)
    return kept.urlencode()


@require_http_methods(["GET", "POST"])
@with_page
def subscribe(request: HttpRequest, page: Page) -> HttpResponse:
    """GET: the form for the view in the query string. POST: create the subscription."""
    assert isinstance(request.user, User)
    if not page.viewer.can_subscribe:
        return forbidden(request, NO_SUBSCRIBE, back_url=_back(page))
    if request.method == "POST":
        try:
            digests.require_email(request.user)
        except digests.NoEmailAddress as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain")
        data = request.POST
        if data.get("attach_pdf") and not page.viewer.can_export:
            return forbidden(
                request,
                "Your role may not export data, so a digest cannot carry the PDF. Subscribe without it.",
                back_url=_back(page),
            )
        frequency = data.get("frequency", "weekly")
        tz = data.get("time_zone") or "UTC"
        if frequency not in Subscription.Frequency.values or tz not in zoneinfo.available_timezones():
            return HttpResponse(
                "Choose a frequency and a time zone from the lists.", status=400, content_type="text/plain"
            )
        sub = digests.subscription_create(
            user=request.user,
            created_by=request.user,
            workspace=page.workspace.slug,
            query=_subscribed_query(request, page),
            frequency=frequency,
            weekday=_int(data.get("weekday"), 0, 0, 6),
            day_of_month=_int(data.get("day_of_month"), 1, 1, 28),
            hour=_int(data.get("hour"), 8, 0, 23),
            time_zone=tz,
            attach_pdf=data.get("attach_pdf") == "on",
        )
        audit.record(
            "subscription", audit.asked(request), request=request, change="created", subscription=sub.pk
        )
        messages.success(request, f"Subscribed to {page.workspace.title}.")
        return redirect("subscriptions")
    context = {
        "workspace": page.workspace,
        "workspaces": visible_workspaces(request),
        "query": page.filters.querystring(),
        "filter_words": describe_filters(page.filters),
        "saved_presets": visible_presets(request.user),
        "frequencies": Subscription.Frequency.choices,
        "weekdays": Subscription.Weekday.choices,
        "hours": range(24),
        "days": range(1, 29),
        "time_zones": sorted(zoneinfo.available_timezones()),
        "may_attach_pdf": page.viewer.can_export,
        "no_email": not request.user.email,
        "default_tz": timezone.get_current_timezone_name(),
    }
    return render(request, "exports/subscribe.html", context)


@require_GET
def subscriptions(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    own = Subscription.objects.filter(user=request.user).prefetch_related("runs")
    groups = Subscription.objects.filter(group__user=request.user).exclude(opted_out=request.user)
    rows = []
    for sub in [*own, *groups]:
        ws = WORKSPACES.get(sub.workspace)
        rows.append(
            {
                "sub": sub,
                "title": ws.title if ws else sub.workspace,
                "view_url": f"{reverse('workspace', args=[sub.workspace])}?{sub.query}",
                "runs": list(sub.runs.filter(recipient_id__in=[request.user.pk, None])[:5]),
                "own": sub.user_id == request.user.pk,
            }
        )
    return render(
        request, "exports/subscriptions.html", {"rows": rows, "workspaces": visible_workspaces(request)}
    )


@require_POST
def subscription_action(request: HttpRequest, sub_id: int, action: str) -> HttpResponse:
    assert isinstance(request.user, User)
    sub = Subscription.objects.filter(id=sub_id).filter(user_id=request.user.pk).first() or get_object_or_404(
        Subscription, id=sub_id, group__user=request.user.pk
    )
    own = sub.user_id == request.user.pk
    if action in ("resume", "send-now") and not viewer_for(request.user).can_subscribe:
        return forbidden(request, NO_SUBSCRIBE, back_url=reverse("subscriptions"))
    if action == "pause" and own:
        digests.subscription_pause(sub)
        messages.success(request, "Paused.")
    elif action == "resume" and own:
        digests.subscription_resume(sub)
        messages.success(request, "Resumed.")
    elif action == "unsubscribe":
        digests.unsubscribe(sub, request.user)
        messages.success(request, "Unsubscribed.")
    elif action == "send-now":
        try:
            _, queued = digests.send_now(sub, request.user)
        except digests.NoEmailAddress as exc:
            messages.error(request, str(exc))
            return redirect("subscriptions")
        if not queued:
            messages.warning(
                request,
                "The task queue is not answering right now. Your request is kept and the digest is sent "
                "when the queue is back.",
            )
        else:
            messages.success(request, f"A digest is on its way to {request.user.email}.{where_mail_goes()}")
    else:
        raise Http404("No such action")
    audit.record("subscription", audit.asked(request), request=request, change=action, subscription=sub.pk)
    return redirect("subscriptions")


@login_not_required
@csrf_exempt  # the signed token is the authority; mail clients post RFC 8058 one-click without a form
@require_http_methods(["GET", "POST"])
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        target = digests.unsubscribe_target(token)
    except digests.LinkExpired:
        return _no_store(render(request, "exports/unsubscribe.html", {"expired": True}, status=410))
    if target is None:
        return _no_store(render(request, "exports/unsubscribe.html", {"invalid": True}, status=404))
    sub, user = target
    ws = WORKSPACES.get(sub.workspace)
    context = {"sub": sub, "title": ws.title if ws else sub.workspace, "token": token, "done": False}
    if request.method == "POST":
        digests.unsubscribe(sub, user)
        audit.record(
            "subscription",
            "unsubscribe link",
            request=request,
            user=user,
            change="unsubscribe",
            subscription=sub.pk,
        )
        context["done"] = True
    return _no_store(render(request, "exports/unsubscribe.html", context))


def _no_store(response: HttpResponse) -> HttpResponse:
    """The page of a personal link: neither a shared cache nor the browser keeps it."""
    response["Cache-Control"] = "private, no-store"
    return response
