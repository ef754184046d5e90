"""/api/v1/scenarios/: the campaign simulator (simulate a scenario) and your saved scenarios.

The same simulation as the Campaigns page (dashboards.campaigns.simulation): the filters, churn score
range and assumptions are the page URL's query parameters, read through the caller's data scope;
bad input is a 400 naming the parameter. Saved scenarios are the page's (a name and a query string).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from accounts import audit
from accounts.access import Viewer

from ..campaigns.maths import FIELDS, InputError
from ..campaigns.simulation import Simulation, run_simulation
from ..campaigns.workspace import CAMPAIGNS
from ..filters import FilterError
from ..models import CampaignScenario
from ..presets import preference_of
from ..warehouse.client import WarehouseError
from . import schemas as s
from .conditional import json_response
from .errors import ERRORS, ApiError
from .service import viewer_of

router = Router(tags=["campaigns"])

MAX_SCENARIOS = 200  # kept per user, as on the page


def _simulation_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        "score_min": (float | None, Field(None, description="Churn score from (0-100)")),
        "score_max": (float | None, Field(None, description="Churn score to (0-100)")),
    }
    for name, label, kind in FIELDS:
        unit = {"rate": "percent, 0-100", "months": "whole months, 1-36"}.get(kind, "money, 0 or more")
        fields[name] = (float | None, Field(None, description=f"{label} ({unit}); default from the data"))
    return fields


SimulationQuery = create_model("SimulationQuery", __base__=s.FilterQuery, **_simulation_fields())


class AudienceOut(Schema):
    customers: int
    expected_churners: float
    value_at_risk: float = Field(description="Over the horizon")
    annual_value_at_risk: float


class OutcomeOut(Schema):
    contacted: float
    accepted: float
    retained: float
    contact_cost: float
    incentive_cost: float
    cost: float
    retained_revenue: float
    net: float
    roi: float | None = Field(description="Net return over cost; null when nothing is spent")
    breakeven_uplift: float | None = Field(description="0-1; null when no uplift makes it pay")
    breakeven_acceptance: float | None = Field(description="0-1; null when no acceptance makes it pay")


class BandOut(Schema):
    band: str
    audience: AudienceOut
    outcome: OutcomeOut


class SimulationOut(Schema):
    query: str = Field(description="The whole scenario as a query string (reopens it on the page)")
    assumptions: dict[str, float]
    audience: AudienceOut
    outcome: OutcomeOut
    bands: list[BandOut]
    recommendation: str
    history: list[dict[str, Any]] = Field(description="Past campaigns to such customers")


class ScenarioIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    query: str = Field(max_length=2000, description="The scenario as a query string (see simulate)")


class ScenarioOut(Schema):
    id: int
    name: str
    query: str
    created_at: dt.datetime


def _viewer(request: HttpRequest) -> Viewer:
    viewer = viewer_of(request)
    if not viewer.may_open(CAMPAIGNS.slug):
        audit.record("denied", audit.asked(request), request=request, reason="workspace not in role")
        raise Http404("slug: your role does not open the Campaigns workspace")
    return viewer


def _simulate(request: HttpRequest, viewer: Viewer, query: QueryDict) -> Simulation:
    try:
        return run_simulation(viewer, query, default_preset=preference_of(request.user).default_preset)
    except (FilterError, InputError) as error:
        raise ApiError(400, "bad_parameter", f"{error.param}: {error.message}", error.param) from None
    except WarehouseError as error:
        raise ApiError(503, "warehouse_unavailable", str(error)) from None


def _audience(audience: Any, months: int) -> dict[str, Any]:
    return {
        "customers": audience.customers,
        "expected_churners": audience.expected_churners,
        "value_at_risk": audience.value_at_risk(months),
        "annual_value_at_risk": audience.annual_value_at_risk,
    }


def simulation_json(sim: Simulation) -> dict[str, Any]:
    months = sim.assumptions.horizon_months
    return {
        "query": sim.querystring(),
        "assumptions": {name: float(getattr(sim.assumptions, name)) for name, _, _ in FIELDS},
        "audience": _audience(sim.audience.everyone, months),
        "outcome": sim.outcome.as_dict(),
        "bands": [
            {"band": band, "audience": _audience(sim.audience.by_band[band], months), "outcome": o.as_dict()}
            for band, o in sim.by_band.items()
        ],
        "recommendation": sim.recommendation,
        "history": [{k.lower(): v for k, v in row.items()} for row in sim.audience.history],
    }


@router.get("/simulate", response={200: SimulationOut, **ERRORS}, url_name="scenario_simulate")
def simulate(request: HttpRequest, params: Query[SimulationQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """Simulate a retention campaign on the audience the filters and churn score range pick, through
    your data scope: expected churners, value at risk, cost, retained revenue, ROI and breakevens
    (rates in the answer are shares, 0-1)."""
    viewer = _viewer(request)
    return json_response(SimulationOut, simulation_json(_simulate(request, viewer, request.GET)))


def _scenario(row: CampaignScenario) -> dict[str, Any]:
    return {"id": row.pk, "name": row.name, "query": row.query, "created_at": row.created_at}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@router.get("/", response={200: list[ScenarioOut], **ERRORS}, url_name="scenarios")
def scenarios(request: HttpRequest) -> HttpResponse:
    """Your saved scenarios, newest first."""
    _viewer(request)
    rows = CampaignScenario.objects.filter(owner_id=_user(request).pk)[:MAX_SCENARIOS]
    return json_response(
        None, [ScenarioOut.model_validate(_scenario(r)).model_dump(mode="json") for r in rows]
    )


@router.post("/", response={201: ScenarioOut, **ERRORS}, url_name="scenario_create")
def scenario_create(request: HttpRequest, body: ScenarioIn) -> HttpResponse:
    """Save a scenario under a name (it is simulated first: bad input is refused and nothing is kept)."""
    viewer = _viewer(request)
    if not body.name.strip():
        raise ApiError(400, "bad_parameter", "name: is empty", "name")
    sim = _simulate(request, viewer, QueryDict(body.query))
    row = CampaignScenario.objects.create(
        owner=_user(request), name=body.name.strip(), query=sim.querystring()
    )
    return json_response(ScenarioOut, _scenario(row), status=201)


@router.delete("/{scenario_id}", response={204: None, **ERRORS}, url_name="scenario_delete")
def scenario_delete(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """Delete one of your saved scenarios."""
    _viewer(request)
    deleted, _ = CampaignScenario.objects.filter(pk=scenario_id, owner_id=_user(request).pk).delete()
    if not deleted:
        raise Http404(f"scenario_id: {scenario_id} is not one of your scenarios")
    return HttpResponse(status=204)
