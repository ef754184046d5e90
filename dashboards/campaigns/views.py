"""The Campaigns workspace (/w/campaigns/): the simulator, saved scenarios, comparison and CSV.
Each view reads: access, fetch, render."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import audit
from accounts.access import Viewer, viewer_for
from dashboards.churn.access import may_read_card
from dashboards.filters import FILTERS, PRESETS, FilterError
from dashboards.models import CampaignScenario
from dashboards.presets import preference_of
from dashboards.views import visible_workspaces
from dashboards.warehouse.client import WarehouseError

from .maths import FIELDS, InputError
from .present import money as _money
from .present import rate as _rate
from .present import roi as _roi
from .present import sensitivity_figure as _figure
from .simulation import Simulation, csv_rows, run_simulation
from .workspace import CAMPAIGNS

SLUG = "campaigns"
MAX_COMPARED = 3


def _viewer(request: HttpRequest) -> Viewer:
    viewer = viewer_for(request.user)
    if not viewer.may_open(SLUG):
        audit.record("denied", audit.asked(request), request=request, reason="workspace not in role")
        raise Http404("No such workspace")
    return viewer


def _nav(request: HttpRequest) -> dict[str, Any]:
    """The sidebar of every Campaigns page: the workspaces the person may open, Campaigns the current one."""
    return {"workspaces": visible_workspaces(request), "workspace": CAMPAIGNS}


def _bad_input(request: HttpRequest, error: FilterError | InputError) -> HttpResponse:
    context = {**_nav(request), "param": error.param, "message": error.message}
    return render(request, "campaigns/bad_input.html", context, status=400)


def _simulate(request: HttpRequest, viewer: Viewer, query: QueryDict) -> Simulation:
    return run_simulation(viewer, query, default_preset=preference_of(request.user).default_preset)


@login_required
@require_GET
def simulator(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    try:
        sim = _simulate(request, viewer, request.GET)
    except (FilterError, InputError) as error:
        return _bad_input(request, error)
    except WarehouseError as error:
        down = {**_nav(request), "warehouse_error": str(error)}
        return render(request, "campaigns/simulator.html", down, status=503)
    a, o = sim.assumptions, sim.outcome
    everyone = sim.audience.everyone
    bands = [
        {
            "band": band,
            "customers": f"{sim.audience.by_band[band].customers:,}",
            "churners": f"{sim.audience.by_band[band].expected_churners:,.0f}",
            "value": _money(sim.audience.by_band[band].value_at_risk(a.horizon_months)),
            "cost": _money(outcome.cost),
            "revenue": _money(outcome.retained_revenue),
            "net": _money(outcome.net),
            "roi": _roi(outcome.roi),
        }
        for band, outcome in sim.by_band.items()
    ]
    inputs = []
    for name, label, kind in FIELDS:
        value = getattr(a, "horizon_months" if name == "horizon_months" else name)
        default = sim.defaults.get(name)
        shown = value * 100 if kind == "rate" else value
        default_shown = None if default is None else (default * 100 if kind == "rate" else default)
        inputs.append(
            {
                "name": name,
                "label": label,
                "value": f"{shown:g}",
                "unit": "%"
                if kind == "rate"
                else ("months" if kind == "months" else settings.CURRENCY_SYMBOL),
                "step": "1" if kind == "months" else "any",
                "max": "100" if kind == "rate" else ("36" if kind == "months" else ""),
                "default": "none in the data" if default_shown is None else f"{default_shown:g}",
            }
        )
    context: dict[str, Any] = {
        **_nav(request),
        "sim": sim,
        "query": sim.querystring(),
        "presets": PRESETS,
        "filter_defs": [
            {"param": f.param, "label": f.label, "options": [], "selected": sim.filters.selected(f.param)}
            for f in FILTERS
        ],
        "filter_options": None,
        "inputs": inputs,
        "audience": {
            "customers": f"{everyone.customers:,}",
            "churners": f"{everyone.expected_churners:,.0f}",
            "value_at_risk_12m": _money(everyone.annual_value_at_risk),
            "value_at_risk": _money(everyone.value_at_risk(a.horizon_months)),
        },
        "outcome": {
            "contacted": f"{o.contacted:,.0f}",
            "accepted": f"{o.accepted:,.0f}",
            "retained": f"{o.retained:,.0f}",
            "contact_cost": _money(o.contact_cost),
            "incentive_cost": _money(o.incentive_cost),
            "cost": _money(o.cost),
            "revenue": _money(o.retained_revenue),
            "net": _money(o.net),
            "roi": _roi(o.roi),
            "breakeven_uplift": _rate(o.breakeven_uplift),
            "breakeven_acceptance": _rate(o.breakeven_acceptance),
        },
        "bands": bands,
        "history": [
            {
                "type": r["CAMPAIGN_TYPE"],
                "contacts": f"{int(r['CONTACTS']):,}",
                "response": _rate(r["RESPONSE_RATE"]),
                "conversion": _rate(r["CONVERSION_RATE"]),
            }
            for r in sim.audience.history
        ],
        "figure": _figure(sim),
        "scenarios": CampaignScenario.objects.filter(owner_id=request.user.pk)[:20],
        "can_export": viewer.can_export,
        "may_read_card": may_read_card(viewer),
    }
    _add_options(context, request, viewer)
    return render(request, "campaigns/simulator.html", context)


def _add_options(context: dict[str, Any], request: HttpRequest, viewer: Viewer) -> None:
    from dashboards.filters import load_data_range, load_options

    options = load_options(viewer)
    for f in context["filter_defs"]:
        f["options"] = options[f["param"]]
    context["data"] = load_data_range(viewer)


@login_required
@require_GET
def simulator_csv(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not viewer.can_export:
        audit.record("denied", audit.asked(request), request=request, reason="role may not export")
        return HttpResponse("Your role may not download data.", status=403, content_type="text/plain")
    try:
        sim = _simulate(request, viewer, request.GET)
    except (FilterError, InputError) as error:
        return _bad_input(request, error)
    except WarehouseError as error:
        return HttpResponse(f"The warehouse is unavailable: {error}", status=503, content_type="text/plain")
    rows = csv_rows(sim)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    audit.record("export", audit.asked(request), request=request, format="csv", rows=len(rows))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="campaign-simulation.csv"'
    return response


@login_required
@require_POST
def save_scenario(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    name = (request.POST.get("name") or "").strip()
    if not name or len(name) > 80:
        return _bad_input(request, InputError("name", "a scenario needs a name of 1 to 80 characters"))
    query = QueryDict(request.POST.get("query", ""))
    try:
        sim = _simulate(request, viewer, query)  # validates the scenario before it is kept
    except (FilterError, InputError) as error:
        return _bad_input(request, error)
    except WarehouseError as error:
        return HttpResponse(f"The warehouse is unavailable: {error}", status=503, content_type="text/plain")
    CampaignScenario.objects.create(owner_id=request.user.pk, name=name, query=sim.querystring())  # type: ignore[misc]  # signed in: pk is set
    return redirect(f"{reverse('campaigns')}?{sim.querystring()}")


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    ids = request.GET.getlist("s")
    if not ids or len(ids) > MAX_COMPARED or not all(i.isdigit() for i in ids):
        return _bad_input(request, InputError("s", f"choose 1 to {MAX_COMPARED} saved scenarios"))
    found = {
        s.pk: s
        for s in CampaignScenario.objects.filter(owner_id=request.user.pk, pk__in=[int(i) for i in ids])
    }
    if len(found) != len(set(ids)):
        return _bad_input(request, InputError("s", "one of the scenarios is not yours or does not exist"))
    columns = []
    try:
        for i in dict.fromkeys(int(i) for i in ids):
            scenario = found[i]
            sim = _simulate(request, viewer, QueryDict(scenario.query))
            o = sim.outcome
            columns.append(
                {
                    "name": scenario.name,
                    "link": f"{reverse('campaigns')}?{scenario.query}",
                    "values": [
                        sim.audience.everyone.customers,
                        _money(sim.audience.everyone.value_at_risk(sim.assumptions.horizon_months)),
                        f"{o.accepted:,.0f}",
                        f"{o.retained:,.0f}",
                        _money(o.cost),
                        _money(o.retained_revenue),
                        _money(o.net),
                        _roi(o.roi),
                        _rate(o.breakeven_uplift),
                        _rate(o.breakeven_acceptance),
                    ],
                }
            )
    except (FilterError, InputError) as error:
        return _bad_input(request, error)
    except WarehouseError as error:
        return HttpResponse(f"The warehouse is unavailable: {error}", status=503, content_type="text/plain")
    labels = [
        "Audience", "Value at risk", "Accepted", "Retained", "Cost", "Retained revenue", "Net return", "ROI",
        "Breakeven uplift", "Breakeven acceptance",
    ]  # fmt: skip
    rows = [{"label": label, "values": [c["values"][k] for c in columns]} for k, label in enumerate(labels)]
    context = {**_nav(request), "columns": columns, "rows": rows}
    return render(request, "campaigns/compare.html", context)
