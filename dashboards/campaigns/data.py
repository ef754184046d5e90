"""The simulator's reads: the audience by churn band and past campaign results, through the
portal's compiler with the viewer's scope (dashboards/queries.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accounts.access import Viewer
from dashboards.filters import DataRange, Filters
from dashboards.queries import run_file
from dashboards.warehouse.compiler import Restriction

from .maths import Audience

RETENTION_TYPE = "retention"  # the campaign type (WAREHOUSE.md domain) whose history sets the defaults
DEFAULT_HORIZON_MONTHS = 12


@dataclass(frozen=True)
class ScoreRange:
    low: float = 0.0
    high: float = 100.0

    def named(self) -> dict[str, Any]:
        return {"score_min": self.low, "score_max": self.high}


@dataclass
class AudienceData:
    by_band: dict[str, Audience]
    value_12m: float
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def everyone(self) -> Audience:
        bands = self.by_band.values()
        return Audience(
            customers=sum(a.customers for a in bands),
            expected_churners=sum(a.expected_churners for a in bands),
            annual_value_at_risk=sum(a.annual_value_at_risk for a in bands),
        )


def _float(value: Any) -> float:
    return 0.0 if value is None else float(value)


def load_audience(viewer: Viewer, filters: Filters, data: DataRange, scores: ScoreRange) -> AudienceData:
    """The audience (current customers: the filter bar's attributes, not its dates) and the campaign
    history of customers like them sent in the filter bar's date range."""
    named = scores.named() | {"data_end": data.last_day + dt.timedelta(days=1)}
    result = run_file(
        "campaigns/audience.sql", viewer=viewer, where=Restriction(attributes=filters.values), named=named
    )
    by_band: dict[str, Audience] = {}
    value = 0.0
    for row in result.records():
        by_band[str(row["BAND"])] = Audience(
            customers=int(row["CUSTOMERS"]),
            expected_churners=_float(row["EXPECTED_CHURNERS"]),
            annual_value_at_risk=_float(row["VALUE_AT_RISK_12M"]),
        )
        value += _float(row["VALUE_12M"])
    history = run_file(
        "campaigns/history.sql", viewer=viewer, where=filters.restriction(), named=scores.named()
    )
    return AudienceData(by_band=by_band, value_12m=value, history=list(history.records()))


def defaults_from(history: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """Defaults from past retention campaigns for such customers (None where the data has none):
    cost per contact, incentive (a converted contact's cost beyond a plain contact's), acceptance
    (the conversion rate) and uplift (how many more converted than other contacted customers stayed,
    as a share of those who left)."""
    row = next((r for r in history if r.get("CAMPAIGN_TYPE") == RETENTION_TYPE), None)
    out: dict[str, float | None] = {
        "cost_per_contact": None,
        "incentive": None,
        "acceptance": None,
        "uplift": None,
        "horizon_months": DEFAULT_HORIZON_MONTHS,
    }
    if row is None:
        return out
    contact = row.get("COST_PER_CONTACT")
    converted = row.get("COST_PER_CONVERSION")
    out["cost_per_contact"] = round(float(contact), 2) if contact is not None else None
    if contact is not None and converted is not None:
        out["incentive"] = round(max(float(converted) - float(contact), 0.0), 2)
    if row.get("CONVERSION_RATE") is not None:
        out["acceptance"] = round(float(row["CONVERSION_RATE"]), 4)
    kept, others = row.get("RETAINED_CONVERTED"), row.get("RETAINED_OTHERS")
    if kept is not None and others is not None:
        lost = 1 - float(others)
        out["uplift"] = (
            round(min(max((float(kept) - float(others)) / lost, 0.0), 1.0), 4) if lost > 0 else 0.0
        )
    return out
