"""The simulator's numbers in words and its sensitivity figure: shared by the page and the PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .simulation import Simulation


def money(value: float | None) -> str:
    if value is None:
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}{settings.CURRENCY_SYMBOL}{abs(value):,.0f}"


def rate(value: float | None) -> str:
    return "not reachable" if value is None else f"{value:.1%}"


def roi(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def sensitivity_figure(sim: Simulation) -> dict[str, Any]:
    """ROI against uplift (x) and acceptance (y) as a heatmap; the current inputs marked."""
    return {
        "data": [
            {
                "type": "heatmap",
                "x": [round(u * 100, 2) for u in sim.uplifts],
                "y": [round(a * 100, 2) for a in sim.acceptances],
                "z": sim.roi_grid,
                "zmid": 0,
                "colorscale": "RdBu",
                "colorbar": {"title": {"text": "ROI"}},
                "hovertemplate": "uplift %{x}%<br>acceptance %{y}%<br>ROI %{z:.2f}x<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": [round(sim.assumptions.uplift * 100, 2)],
                "y": [round(sim.assumptions.acceptance * 100, 2)],
                "marker": {"symbol": "x", "size": 12, "color": "#111"},
                "name": "your inputs",
                "hovertemplate": "your inputs<extra></extra>",
            },
        ],
        "layout": {
            "margin": {"l": 60, "r": 20, "t": 10, "b": 50},
            "xaxis": {"title": {"text": "Retention uplift among acceptors (%)"}},
            "yaxis": {"title": {"text": "Acceptance rate (%)"}},
            "showlegend": False,
        },
    }
