"""The churn model card (/models/churn/): analysts and administrators."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import audit
from accounts.access import viewer_for
from dashboards.queries import run_file
from dashboards.views import visible_workspaces
from dashboards.warehouse.client import WarehouseError

from . import card as figures
from .access import may_read_card
from .features import FEATURE_LABELS


@require_GET
def model_card(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not may_read_card(viewer):
        audit.record(
            "denied", audit.asked(request), request=request, reason="not an analyst or administrator"
        )
        raise Http404("No such page")
    context: dict[str, Any] = {"workspaces": visible_workspaces(request)}
    try:
        versions = run_file("churn/versions.sql", viewer=viewer).records()
    except WarehouseError as error:
        context["warehouse_error"] = str(error)
        return render(request, "churn/model_card.html", context, status=503)
    if not versions:
        return render(request, "churn/model_card.html", context)
    latest = versions[0]
    card = json.loads(latest["CARD"])
    m = card["metrics"]
    context |= {
        "v": latest,
        "card": card,
        "m": m,
        "confusion": {"tp": m["tp"], "fp": m["fp"], "fn": m["fn"], "tn": m["tn"]},
        "features": [{"name": k, "label": v} for k, v in FEATURE_LABELS.items()],
        "previous": versions[1] if len(versions) > 1 else None,
        "history": versions,
        "figures": {
            "calibration": figures.calibration(card),
            "pr": figures.pr_curve(card),
            "importance": figures.importance(card),
            "scores": figures.score_distribution(card),
        },
    }
    return render(request, "churn/model_card.html", context)
