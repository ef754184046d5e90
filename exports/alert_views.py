"""Threshold alerts a user defines on a KPI of the view they are looking at: create, list, pause, delete."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.access import viewer_for
from dashboards.charts.formatting import fmt_exact, fmt_value
from dashboards.charts.registry import WORKSPACES
from dashboards.refusals import forbidden
from dashboards.views import Page, visible_workspaces

from .models import Alert
from .views import with_page

NO_ALERTS = "Your role may not set alerts."


class AlertForm(forms.Form):
    chart_id = forms.ChoiceField(label="Key figure")
    operator = forms.ChoiceField(label="Alert me when it", choices=Alert.Operator.choices)
    threshold = forms.FloatField(
        label="Threshold", help_text="In the figure's own units; a share such as 25% is written 0.25."
    )
    check_every_minutes = forms.IntegerField(
        label="Check every (minutes)", min_value=1, max_value=1440, initial=5
    )

    def __init__(self, *args: object, kpis: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["chart_id"].choices = kpis  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@with_page
def alert_create(request: HttpRequest, page: Page) -> HttpResponse:
    assert isinstance(request.user, User)
    if not page.viewer.can_subscribe:
        back = f"{reverse('workspace', args=[page.workspace.slug])}?{page.filters.querystring()}"
        return forbidden(request, NO_ALERTS, back_url=back)
    kpis = [(c.id, c.title) for c in page.workspace.kpis]
    if not kpis:
        raise Http404("This workspace has no key figures to watch")
    form = AlertForm(request.POST or None, kpis=kpis)
    if request.method == "POST" and form.is_valid():
        alert = Alert.objects.create(
            user=request.user,
            workspace=page.workspace.slug,
            query=page.filters.querystring(),
            **form.cleaned_data,
        )
        audit.record(
            "subscription", audit.asked(request), request=request, change="alert created", alert=alert.pk
        )
        chart = page.workspace.chart(alert.chart_id)
        title, threshold = (
            (chart.title, fmt_exact(alert.threshold, chart.fmt)) if chart else (alert.chart_id, "")
        )
        messages.success(request, f"Alert set: {title} {alert.get_operator_display()} {threshold}.")
        return redirect("alerts")
    context = {
        "form": form,
        "workspace": page.workspace,
        "workspaces": visible_workspaces(request),
        "query": page.filters.querystring(),
    }
    return render(request, "exports/alert_form.html", context, status=400 if form.errors else 200)


@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    own = Alert.objects.filter(user=request.user)
    rows = []
    for alert in own:
        ws = WORKSPACES.get(alert.workspace)
        chart = ws.chart(alert.chart_id) if ws else None
        rows.append(
            {
                "alert": alert,
                "workspace": ws,
                "figure": chart.title if chart else alert.chart_id,
                "threshold": fmt_exact(alert.threshold, chart.fmt) if chart else alert.threshold,
                "last_value": fmt_value(alert.last_value, chart.fmt) if chart else alert.last_value,
            }
        )
    return render(request, "exports/alerts.html", {"rows": rows, "workspaces": visible_workspaces(request)})


@require_POST
def alert_action(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    assert isinstance(request.user, User)
    alert = get_object_or_404(Alert, id=alert_id, user=request.user)
    if action == "resume" and not viewer_for(request.user).can_subscribe:
        return forbidden(request, NO_ALERTS, back_url=reverse("alerts"))
    if action == "delete":
        alert.delete()
        messages.success(request, "Alert deleted.")
    elif action in ("pause", "resume"):
        Alert.objects.filter(id=alert_id).update(active=action == "resume")
        messages.success(request, "Alert paused." if action == "pause" else "Alert resumed.")
    else:
        raise Http404("No such action")
    audit.record(
        "subscription", audit.asked(request), request=request, change=f"alert {action}", alert=alert_id
    )
    return redirect("alerts")
