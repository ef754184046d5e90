"""A campaign scenario of the Campaigns workspace as a PDF: the same simulation as the page, for the
requester's scope, with its sensitivity chart as a vector image (WeasyPrint + kaleido)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import Viewer
from dashboards.campaigns import present
from dashboards.campaigns.maths import FIELDS, InputError
from dashboards.campaigns.simulation import Simulation, run_simulation
from dashboards.campaigns.workspace import CAMPAIGNS
from dashboards.filters import DEFAULT_PRESET, FilterError

from . import images
from .report import Progress, ReportError, describe_filters

SLUG = CAMPAIGNS.slug


def simulate(query: str, viewer: Viewer, *, default_preset: str = DEFAULT_PRESET) -> Simulation:
    """The scenario in `query` for `viewer`; raises ReportError, naming the field, for bad input."""
    try:
        return run_simulation(viewer, QueryDict(query), default_preset=default_preset)
    except (FilterError, InputError) as exc:
        raise ReportError(f"The scenario does not apply to your data: {exc.param} {exc.message}") from exc


def _assumptions(sim: Simulation) -> list[tuple[str, str]]:
    rows = []
    for name, label, kind in FIELDS:
        value = getattr(sim.assumptions, name)
        if kind == "rate":
            rows.append((label, f"{value:.1%}"))
        elif kind == "months":
            rows.append((label, f"{value} months"))
        else:
            rows.append((label, f"{settings.CURRENCY_SYMBOL}{value:,.2f}"))
    rows.append(("Churn score range", f"{sim.scores.low:g} to {sim.scores.high:g}"))
    return rows


def document_html(sim: Simulation, viewer: Viewer) -> str:
    a, o = sim.assumptions, sim.outcome
    everyone = sim.audience.everyone
    svg = images.render(present.sensitivity_figure(sim), fmt="svg", width=900, height=420)
    context = {
        "workspace": CAMPAIGNS,
        "viewer": viewer,
        "generated_at": timezone.localtime(),
        "filter_words": [w for w in describe_filters(sim.filters) if w[0] != "Time grain"],
        "assumptions": _assumptions(sim),
        "audience": [
            ("Customers in the audience", f"{everyone.customers:,}"),
            ("Expected churners (churn model)", f"{everyone.expected_churners:,.0f}"),
            ("12-month value at risk", present.money(everyone.annual_value_at_risk)),
            (
                f"Value at risk over {a.horizon_months} months",
                present.money(everyone.value_at_risk(a.horizon_months)),
            ),
        ],
        "outcome": [
            ("Contacted", f"{o.contacted:,.0f}"),
            ("Accepted the offer", f"{o.accepted:,.0f}"),
            ("Retained", f"{o.retained:,.0f}"),
            ("Contact cost", present.money(o.contact_cost)),
            ("Incentive cost", present.money(o.incentive_cost)),
            ("Total cost", present.money(o.cost)),
            ("Retained revenue", present.money(o.retained_revenue)),
            ("Net return", present.money(o.net)),
            ("ROI", present.roi(o.roi)),
            ("Breakeven uplift", present.rate(o.breakeven_uplift)),
            ("Breakeven acceptance", present.rate(o.breakeven_acceptance)),
        ],
        "bands": [
            {
                "band": band,
                "customers": f"{sim.audience.by_band[band].customers:,}",
                "cost": present.money(out.cost),
                "revenue": present.money(out.retained_revenue),
                "net": present.money(out.net),
                "roi": present.roi(out.roi),
            }
            for band, out in sim.by_band.items()
        ],
        "history": [
            {
                "type": r["CAMPAIGN_TYPE"],
                "contacts": f"{int(r['CONTACTS']):,}",
                "response": present.rate(r["RESPONSE_RATE"]),
                "conversion": present.rate(r["CONVERSION_RATE"]),
            }
            for r in sim.audience.history
        ],
        "recommendation": sim.recommendation,
        "figure": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
        "link": f"/w/{SLUG}/?{sim.querystring()}",
    }
    return render_to_string("exports/scenario_pdf.html", context)


def render_scenario_pdf(slug: str, query: str, viewer: Viewer, *, progress: Progress | None = None) -> bytes:
    """The PDF of the scenario in `query` as `viewer` sees it (`slug` is the Campaigns workspace's, as
    for a workspace PDF). Raises ReportError for bad input."""
    from weasyprint import HTML

    sim = simulate(query, viewer)
    if progress:
        progress(0.4, "Simulated the scenario")
    html = document_html(sim, viewer)
    if progress:
        progress(0.9, "Laying out pages")
    return bytes(HTML(string=html).write_pdf())
