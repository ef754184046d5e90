"""One simulation from a query string: filters, score range, assumptions -> outcomes (no HTTP)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from accounts.access import Viewer
from dashboards.filters import DEFAULT_PRESET, Filters, load_data_range, load_options, parse_filters

from .data import AudienceData, ScoreRange, defaults_from, load_audience
from .maths import (
    FIELDS,
    Assumptions,
    InputError,
    Outcome,
    grid,
    parse_assumptions,
    recommend,
    sensitivity,
    simulate,
)

SCORE_PARAMS = ("score_min", "score_max")
EXTRA_PARAMS: tuple[str, ...] = (*SCORE_PARAMS, *(name for name, _, _ in FIELDS))


@dataclass
class Simulation:
    filters: Filters
    scores: ScoreRange
    audience: AudienceData
    defaults: dict[str, float | None]
    assumptions: Assumptions
    outcome: Outcome
    by_band: dict[str, Outcome]
    uplifts: list[float]
    acceptances: list[float]
    roi_grid: list[list[float | None]]
    recommendation: str

    def querystring(self) -> str:
        query = QueryDict(mutable=True)
        for name, value in self.filters.params():
            if name != "tab":
                query.appendlist(name, value)
        query["score_min"] = _num(self.scores.low)
        query["score_max"] = _num(self.scores.high)
        a = self.assumptions
        query["cost_per_contact"] = _num(a.cost_per_contact)
        query["incentive"] = _num(a.incentive)
        query["acceptance"] = _num(round(a.acceptance * 100, 4))
        query["uplift"] = _num(round(a.uplift * 100, 4))
        query["horizon_months"] = str(a.horizon_months)
        return query.urlencode()


def _num(value: float) -> str:
    return f"{value:g}"


def parse_scores(query: Mapping[str, str]) -> ScoreRange:
    """The churn score range (0..100, min <= max); raises InputError naming the field."""
    values = {}
    for name, fallback in (("score_min", 0.0), ("score_max", 100.0)):
        raw = (query.get(name) or "").strip()
        try:
            value = float(raw) if raw else fallback
        except ValueError:
            raise InputError(name, f"must be a number from 0 to 100, not '{raw[:20]}'") from None
        if not 0 <= value <= 100:
            raise InputError(name, "must be a churn score from 0 to 100")
        values[name] = value
    if values["score_min"] > values["score_max"]:
        raise InputError("score_max", "is below score_min")
    return ScoreRange(values["score_min"], values["score_max"])


def run_simulation(viewer: Viewer, query: QueryDict, *, default_preset: str = DEFAULT_PRESET) -> Simulation:
    """Raises FilterError or InputError (bad input, naming the parameter) or WarehouseError."""
    options, data = load_options(viewer), load_data_range(viewer)
    filters = parse_filters(
        query, options=options, data=data, extra=EXTRA_PARAMS, default_preset=default_preset
    )
    scores = parse_scores(query)
    audience = load_audience(viewer, filters, data, scores)
    defaults = defaults_from(audience.history)
    assumptions = parse_assumptions(query, defaults)
    everyone = audience.everyone
    uplifts, acceptances = grid(assumptions.uplift), grid(assumptions.acceptance)
    return Simulation(
        filters=filters,
        scores=scores,
        audience=audience,
        defaults=defaults,
        assumptions=assumptions,
        outcome=simulate(everyone, assumptions),
        # In the warehouse's order: the riskiest band (highest mean score) first.
        by_band={band: simulate(aud, assumptions) for band, aud in audience.by_band.items()},
        uplifts=uplifts,
        acceptances=acceptances,
        roi_grid=sensitivity(everyone, assumptions, uplifts, acceptances),
        recommendation=recommend(audience.by_band, everyone, assumptions),
    )


def csv_rows(sim: Simulation) -> list[dict[str, Any]]:
    """The simulation as rows: the whole audience, then each band."""
    rows = []
    for name, outcome, audience in (
        ("Whole audience", sim.outcome, sim.audience.everyone),
        *((f"{band} band", o, sim.audience.by_band[band]) for band, o in sim.by_band.items()),
    ):
        rows.append(
            {
                "AUDIENCE": name,
                "CUSTOMERS": audience.customers,
                "EXPECTED_CHURNERS": round(audience.expected_churners, 2),
                "VALUE_AT_RISK": round(audience.value_at_risk(sim.assumptions.horizon_months), 2),
            }
            | {k.upper(): (round(v, 4) if isinstance(v, float) else v) for k, v in outcome.as_dict().items()}
        )
    return rows
