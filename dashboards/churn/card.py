"""The model card's figures (Plotly JSON) from a version's stored card."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from .features import FEATURE_LABELS

_MARGIN = {"l": 60, "r": 20, "t": 10, "b": 50}


def _layout(x: str, y: str, **extra: Any) -> dict[str, Any]:
    return {
        "margin": _MARGIN,
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "showlegend": False,
    } | extra


def calibration(card: dict[str, Any]) -> dict[str, Any]:
    c = card["calibration"]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "x": [0, 1],
                "y": [0, 1],
                "line": {"dash": "dot", "color": "#98a2b3"},
                "name": "perfect",
                "hoverinfo": "skip",
            },
            {"type": "scatter", "mode": "lines+markers", "x": c["x"], "y": c["y"], "name": "model"},
        ],
        "layout": _layout("Predicted churn probability", "Observed churn rate"),
    }


def pr_curve(card: dict[str, Any]) -> dict[str, Any]:
    c = card["pr_curve"]
    return {
        "data": [{"type": "scatter", "mode": "lines", "x": c["x"], "y": c["y"], "name": "model"}],
        "layout": _layout("Recall", "Precision", yaxis={"title": {"text": "Precision"}, "range": [0, 1.02]}),
    }


def importance(card: dict[str, Any], top: int = 15) -> dict[str, Any]:
    rows = card["importance"][:top][::-1]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r["mean"] for r in rows],
                "y": [FEATURE_LABELS.get(r["feature"], r["feature"]) for r in rows],
                "error_x": {"type": "data", "array": [r["std"] for r in rows]},
            }
        ],
        "layout": _layout("Fall in ROC AUC when shuffled", "", margin=_MARGIN | {"l": 260}),
    }


def score_distribution(card: dict[str, Any]) -> dict[str, Any]:
    h = card["score_histogram"]
    edges = h["edges"]
    return {
        "data": [
            {
                "type": "bar",
                "x": [(a + b) / 2 for a, b in pairwise(edges)],
                "y": h["counts"],
                "width": edges[1] - edges[0],
            }
        ],
        "layout": _layout(
            "Churn score",
            "Customers",
            shapes=[
                {
                    "type": "line",
                    "x0": t,
                    "x1": t,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"dash": "dash"},
                }
                for t in (card["thresholds"]["medium_from"], card["thresholds"]["high_from"])
            ],
        ),
    }
