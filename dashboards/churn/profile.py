"""The churn score on Customer 360: score, band, thresholds and the factors that raised it."""

from __future__ import annotations

import logging
from typing import Any

from accounts.access import Viewer
from dashboards.queries import run_file
from dashboards.warehouse.client import WarehouseError

from .access import may_read_card

logger = logging.getLogger(__name__)


def churn_for_customer(customer_id: str, viewer: Viewer) -> dict[str, Any] | None:
    """The latest trained version's score for the customer (through the viewer's scope), or None
    when no model has been trained or the read fails (the rest of the page still shows)."""
    try:
        rows = run_file(
            "churn/customer_score.sql", viewer=viewer, named={"customer_id": customer_id}
        ).records()
    except WarehouseError as error:
        logger.warning("churn score for %s unavailable: %s", customer_id, error)
        return None
    if not rows:
        return None
    row = rows[0]
    factors = [f for f in str(row["FACTORS"] or "").split("; ") if f]
    return {
        "score": float(row["CHURN_RISK_SCORE"]),
        "band": row["CHURN_RISK_CATEGORY"],
        "factors": factors,
        "version": row["MODEL_VERSION"],
        "high_from": float(row["HIGH_FROM"]),
        "medium_from": float(row["MEDIUM_FROM"]),
        "card": may_read_card(viewer),
    }
