"""Campaign simulator maths: pure functions, no I/O.

An audience of N customers holds E expected churners (the sum of their churn probabilities) and V
value at risk over the horizon (each customer's probability times their value over the horizon).
A campaign contacts all N; a share `acceptance` accepts the offer; among acceptors, a share
`uplift` of those who would have churned stays. Acceptance is taken as independent of churn, so:

    accepted = N * acceptance          retained = E * acceptance * uplift
    cost     = N * cost_per_contact + accepted * incentive
    revenue  = V * acceptance * uplift  (the value of the retained customers over the horizon)
    net      = revenue - cost          ROI = net / cost
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

MAX_HORIZON_MONTHS = 36


class InputError(ValueError):
    """A bad simulator input; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    @property
    def param(self) -> str:
        """The field, under the name FilterError uses, so callers read either error the same way."""
        return self.field


@dataclass(frozen=True)
class Audience:
    customers: int
    expected_churners: float
    annual_value_at_risk: float  # sum of probability x 12-month value

    def value_at_risk(self, horizon_months: int) -> float:
        return self.annual_value_at_risk * horizon_months / 12


@dataclass(frozen=True)
class Assumptions:
    cost_per_contact: float
    incentive: float  # cost per accepted offer
    acceptance: float  # share of contacted customers who accept, 0..1
    uplift: float  # share of would-be churners among acceptors who stay, 0..1
    horizon_months: int


@dataclass(frozen=True)
class Outcome:
    contacted: float
    accepted: float
    retained: float
    contact_cost: float
    incentive_cost: float
    cost: float
    retained_revenue: float
    net: float
    roi: float | None  # None when nothing is spent
    breakeven_uplift: float | None  # None when no uplift makes it pay
    breakeven_acceptance: float | None  # None when no acceptance makes it pay

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


# (field, label, kind, lower, upper): kind "money", "rate" (percent in the form), "months"
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("cost_per_contact", "Cost per contact", "money"),
    ("incentive", "Incentive per accepted offer", "money"),
    ("acceptance", "Acceptance rate", "rate"),
    ("uplift", "Retention uplift among acceptors", "rate"),
    ("horizon_months", "Horizon", "months"),
)


def parse_assumptions(query: Mapping[str, str], defaults: Mapping[str, float | None]) -> Assumptions:
    """Read the inputs (rates in percent) from a query string, falling back to `defaults`.

    Raises InputError naming the first field that is missing, not a number, negative, a rate over
    100 % or a horizon outside 1..36 months.
    """
    values: dict[str, float] = {}
    for name, label, kind in FIELDS:
        raw = (query.get(name) or "").strip()
        if raw == "":
            default = defaults.get(name)
            if default is None:
                raise InputError(name, f"{label} is needed (the data gives no default)")
            value = float(default) * (100 if kind == "rate" else 1)
        else:
            try:
                value = float(raw)
            except ValueError:
                raise InputError(name, f"{label} must be a number, not '{raw[:20]}'") from None
        if not math.isfinite(value):
            raise InputError(name, f"{label} must be a finite number")
        if value < 0:
            raise InputError(name, f"{label} cannot be negative")
        if kind == "rate" and value > 100:
            raise InputError(name, f"{label} is a percentage: at most 100")
        if kind == "months" and (value != int(value) or not 1 <= value <= MAX_HORIZON_MONTHS):
            raise InputError(name, f"{label} must be a whole number of months from 1 to {MAX_HORIZON_MONTHS}")
        if kind == "money" and value > 1e9:
            raise InputError(name, f"{label} is out of range")
        values[name] = value / 100 if kind == "rate" else value
    return Assumptions(
        cost_per_contact=values["cost_per_contact"],
        incentive=values["incentive"],
        acceptance=values["acceptance"],
        uplift=values["uplift"],
        horizon_months=int(values["horizon_months"]),
    )


def simulate(audience: Audience, a: Assumptions) -> Outcome:
    n = float(audience.customers)
    value = audience.value_at_risk(a.horizon_months)
    accepted = n * a.acceptance
    retained = audience.expected_churners * a.acceptance * a.uplift
    contact_cost = n * a.cost_per_contact
    incentive_cost = accepted * a.incentive
    cost = contact_cost + incentive_cost
    revenue = value * a.acceptance * a.uplift
    net = revenue - cost
    return Outcome(
        contacted=n,
        accepted=accepted,
        retained=retained,
        contact_cost=contact_cost,
        incentive_cost=incentive_cost,
        cost=cost,
        retained_revenue=revenue,
        net=net,
        roi=_ratio(net, cost),
        breakeven_uplift=breakeven_uplift(audience, a),
        breakeven_acceptance=breakeven_acceptance(audience, a),
    )


def _ratio(net: float, cost: float) -> float | None:
    """ROI; None when nothing is spent, or when a cost so small the ratio is not a number (a cost of
    1e-310 makes any gain infinite, which the page, the PDF and JSON cannot show)."""
    if cost <= 0:
        return None
    ratio = net / cost
    return ratio if math.isfinite(ratio) else None


def breakeven_uplift(audience: Audience, a: Assumptions) -> float | None:
    """The uplift at which revenue equals cost (None when even 100 % does not pay, or nothing is at stake)."""
    n = audience.customers
    value = audience.value_at_risk(a.horizon_months)
    cost = n * a.cost_per_contact + n * a.acceptance * a.incentive
    if value * a.acceptance <= 0:
        return 0.0 if cost == 0 else None
    needed = cost / (value * a.acceptance)
    return needed if needed <= 1 else None


def breakeven_acceptance(audience: Audience, a: Assumptions) -> float | None:
    """The acceptance rate at which revenue equals cost: V*u*x = N*c + N*x*i, so x = N*c / (V*u - N*i)."""
    n = audience.customers
    value = audience.value_at_risk(a.horizon_months)
    margin = value * a.uplift - n * a.incentive  # what each unit of acceptance adds, net of incentives
    fixed = n * a.cost_per_contact
    if fixed == 0:
        return 0.0 if margin >= 0 else None
    if margin <= 0:
        return None
    needed = fixed / margin
    return needed if needed <= 1 else None


def sensitivity(
    audience: Audience, a: Assumptions, uplifts: Sequence[float], acceptances: Sequence[float]
) -> list[list[float | None]]:
    """ROI for each (acceptance, uplift): rows follow `acceptances`, columns `uplifts`."""
    return [
        [
            simulate(audience, Assumptions(a.cost_per_contact, a.incentive, x, u, a.horizon_months)).roi
            for u in uplifts
        ]
        for x in acceptances
    ]


def grid(centre: float, steps: int = 11) -> list[float]:
    """Rates from 0 to 100 % with the given one included (for the sensitivity axes)."""
    points = {round(i / (steps - 1), 4) for i in range(steps)} | {round(min(max(centre, 0.0), 1.0), 4)}
    return sorted(points)


def recommend(
    by_band: Mapping[str, Audience], everyone: Audience, a: Assumptions, fmt_roi: str = "{:.1f}x"
) -> str:
    """A sentence comparing targeting each band alone with targeting everyone."""
    if everyone.customers == 0:
        return "The audience is empty: widen the filters or the score range."
    results = {band: simulate(aud, a) for band, aud in by_band.items() if aud.customers > 0}
    whole = simulate(everyone, a)
    scored = {b: o.roi for b, o in results.items() if o.roi is not None}
    if whole.roi is None or not scored:
        return "Nothing is spent under these assumptions, so ROI is not defined; set a cost per contact or incentive."
    best = max(scored, key=lambda b: scored[b])
    best_roi = scored[best]
    if best_roi <= 0 and whole.roi <= 0:
        return (
            f"No band pays back under these assumptions: the best is the {best} band at ROI "
            f"{fmt_roi.format(best_roi)}. A higher uplift or a cheaper offer is needed (see breakeven)."
        )
    if best_roi > whole.roi:
        return (
            f"Target the {best} band only: ROI {fmt_roi.format(best_roi)} against "
            f"{fmt_roi.format(whole.roi)} for the whole audience."
        )
    return f"Target the whole audience: ROI {fmt_roi.format(whole.roi)}, no single band does better."
