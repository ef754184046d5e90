"""The monthly churn retraining, a Celery beat task (a row in the admin, see migration 0003).

Thin: it calls dashboards.churn.service.train_and_publish, which is idempotent (the same data gives
the same version, published once), audited, and publishes nothing when training fails.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(name="exports.churn_tasks.retrain_churn")
def retrain_churn() -> dict[str, Any] | None:
    if settings.WAREHOUSE_BACKEND != "duckdb":
        logger.info("churn retraining skipped: the Snowflake scores are loaded by the pipeline (README)")
        return None
    from dashboards.churn.service import train_and_publish  # scikit-learn and pandas: not in beat

    try:
        outcome = train_and_publish(
            Path(settings.WAREHOUSE_PATH), actor="celery beat: monthly churn retraining"
        )
    except ValueError as error:  # too little data: audited, the current version stays
        logger.warning("churn retraining failed, the current version stays: %s", error)
        return None
    return outcome.summary() | {"published": outcome.published}
