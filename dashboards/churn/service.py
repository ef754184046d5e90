"""Train, score and publish a churn model version: what `manage.py train_churn` and the monthly
task run. Idempotent (the same data and code give the same version, published once) and audited;
a failure publishes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from accounts import audit
from accounts.models import AuditEvent

from . import store
from .features import FEATURE_LABELS, LABEL_TEXT, SQL_DIR, DuckDBSource, features_at
from .scoring import score, thresholds_in_points
from .training import Trained, train

logger = logging.getLogger(__name__)

CODE_FILES = (SQL_DIR / "features.sql", SQL_DIR / "labels.sql", Path(__file__).with_name("training.py"))
SUMMARY_KEYS = ("f1", "precision", "recall", "roc_auc", "baseline_f1")


@dataclass
class Outcome:
    version: str
    published: bool  # False: this version existed already, nothing was written
    metrics: dict[str, Any]
    training_seconds: float
    scoring_seconds: float

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: round(float(self.metrics[k]), 4) for k in SUMMARY_KEYS}
        return out | {"version": self.version}


def fingerprint(con: duckdb.DuckDBPyConnection, last_day: dt.date) -> str:
    """Identifies the data and the code a version is trained from."""
    digest = hashlib.sha256(last_day.isoformat().encode())
    for table in ("CUSTOMER_BASE", "FACT_TRANSACTIONS", "FACT_CUSTOMER_INTERACTIONS", "FACT_SUPPORT_TICKETS"):
        [(count,)] = con.execute(f"SELECT COUNT(*) FROM ANALYTICS.{table}").fetchall()  # noqa: S608 - constant names
        digest.update(f"{table}={count};".encode())
    for path in CODE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _change(previous: pd.DataFrame, scores: pd.DataFrame, before: dict[str, Any] | None) -> dict[str, Any]:
    """How the new version differs from the one it replaces: bands moved, mean score, metrics."""
    both = previous.merge(scores, on="CUSTOMER_ID", suffixes=("_OLD", ""))
    moved = (
        both.groupby(["CHURN_RISK_CATEGORY_OLD", "CHURN_RISK_CATEGORY"]).size().reset_index(name="CUSTOMERS")
        if len(both)
        else pd.DataFrame(columns=["CHURN_RISK_CATEGORY_OLD", "CHURN_RISK_CATEGORY", "CUSTOMERS"])
    )
    return {
        "previous_version": str(previous["MODEL_VERSION"].iloc[0]) if len(previous) else None,
        "mean_score_before": round(float(previous["CHURN_RISK_SCORE"].astype(float).mean()), 2)
        if len(previous)
        else None,
        "mean_score_after": round(float(scores["CHURN_RISK_SCORE"].astype(float).mean()), 2),
        "band_moves": [
            {
                "from": str(r.CHURN_RISK_CATEGORY_OLD),
                "to": str(r.CHURN_RISK_CATEGORY),
                "customers": int(r.CUSTOMERS),
            }
            for r in moved.itertuples()
        ],
        "previous_metrics": (
            {k.lower(): round(float(before[k.upper()]), 4) for k in SUMMARY_KEYS}
            if before is not None
            else None
        ),
    }


def _card(
    trained: Trained, scores: pd.DataFrame, change: dict[str, Any], scoring_seconds: float
) -> dict[str, Any]:
    high, medium = thresholds_in_points(trained)
    counts, edges = np.histogram(scores["CHURN_RISK_SCORE"].astype(float), bins=20, range=(0, 100))
    return trained.card | {
        "label": LABEL_TEXT,
        "features": [{"name": k, "label": v} for k, v in FEATURE_LABELS.items()],
        "metrics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in trained.metrics.items()},
        "thresholds": {"high_from": high, "medium_from": medium},
        "score_histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
        "bands": {str(k): int(v) for k, v in scores["CHURN_RISK_CATEGORY"].value_counts().items()},
        "change": change,
        "training_seconds": round(trained.training_seconds, 1),
        "scoring_seconds": round(scoring_seconds, 2),
    }


def train_and_publish(path: Path, *, force: bool = False, actor: str = "system") -> Outcome:
    """Train on the warehouse file at `path` and publish the version unless it exists already."""
    path = Path(path)
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            source = DuckDBSource(con)
            last_day = source.last_day()
            version = f"churn-gbm-{last_day:%Y%m%d}-{fingerprint(con, last_day)}"
            before = store.latest(path)
            if not force and before is not None and before["MODEL_VERSION"] == version:
                audit.record(
                    AuditEvent.Action.ADMIN_CHANGE,
                    f"churn model {version}",
                    username=actor,
                    kind="churn_training",
                    outcome="unchanged",
                )
                return Outcome(version, False, _metrics_of(before), float(before["TRAINING_SECONDS"]), 0.0)
            trained = train(source, last_day)
            started = time.perf_counter()
            features = features_at(source, last_day + dt.timedelta(days=1))
            scores = score(trained, features, source.active())
            scoring_seconds = time.perf_counter() - started
        previous = store.current_predictions(path)
        card = _card(trained, scores, _change(previous, scores, before), scoring_seconds)
        high, medium = thresholds_in_points(trained)
        m = trained.metrics
        row = {
            "LAST_DAY": last_day,
            "HELD_OUT_CUTOFF": trained.split.held_out,
            "F1": m["f1"],
            "PRECISION": m["precision"],
            "RECALL": m["recall"],
            "ROC_AUC": m["roc_auc"],
            "BASELINE_F1": m["baseline_f1"],
            "HIGH_FROM": high,
            "MEDIUM_FROM": medium,
            "TRAINING_SECONDS": trained.training_seconds,
            "CUSTOMERS_SCORED": len(scores),
        }
        store.write_version(
            path,
            version=version,
            scores=scores,
            row=row,
            card=card,
            scored_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        )
    except Exception as error:
        audit.record(
            AuditEvent.Action.ADMIN_CHANGE,
            "churn model training failed",
            username=actor,
            kind="churn_training",
            outcome="failed",
            error=str(error)[:500],
        )
        raise
    audit.record(
        AuditEvent.Action.ADMIN_CHANGE,
        f"churn model {version}",
        username=actor,
        kind="churn_training",
        outcome="published",
        metrics={k: round(float(m[k]), 4) for k in SUMMARY_KEYS},
    )
    return Outcome(version, True, trained.metrics, trained.training_seconds, scoring_seconds)


def _metrics_of(row: dict[str, Any]) -> dict[str, Any]:
    return {k: float(row[k.upper()]) for k in SUMMARY_KEYS}
