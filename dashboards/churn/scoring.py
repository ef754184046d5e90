"""Scores 0..100, bands and the factors that raised each customer's score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import FEATURE_LABELS
from .training import Trained

CANCELLED = "Account cancelled"
NO_FACTOR = "No strong risk signal"
MIN_LIFT = 0.02  # a factor must raise the probability by at least this much to be named


def band(score: np.ndarray, high_from: float, medium_from: float) -> np.ndarray:
    """High / Medium / Low for scores in points (thresholds in points too)."""
    return np.where(score >= high_from, "High", np.where(score >= medium_from, "Medium", "Low"))


def score_points(p: np.ndarray) -> np.ndarray:
    return np.round(np.clip(p, 0.0, 1.0) * 100, 1)


def factors(trained: Trained, frame: pd.DataFrame, p: np.ndarray, top: int = 3) -> list[list[str]]:
    """For each customer, the features that raise their probability most: the probability minus
    the probability with that one feature set to a typical customer's value (largest first)."""
    if trained.reference is None or not trained.top_features or frame.empty:
        return [[] for _ in range(len(frame))]
    lifts = np.zeros((len(frame), len(trained.top_features)))
    for j, feature in enumerate(trained.top_features):
        swapped = frame.copy()
        swapped[feature] = trained.reference[feature].iloc[0]
        lifts[:, j] = p - trained.predict(swapped)
    named: list[list[str]] = []
    for row in lifts:
        order = np.argsort(-row)
        named.append([FEATURE_LABELS[trained.top_features[j]] for j in order[:top] if row[j] >= MIN_LIFT])
    return named


def score(trained: Trained, features: pd.DataFrame, active: pd.DataFrame) -> pd.DataFrame:
    """One row per customer: CUSTOMER_ID, CHURN_RISK_SCORE, CHURN_RISK_CATEGORY, TOP_FACTOR, FACTORS.

    A cancelled account (IS_ACTIVE false) has churned: 100, High, "Account cancelled".
    """
    p = trained.predict(features) if len(features) else np.zeros(0)
    named = factors(trained, features, p)
    out = pd.DataFrame(
        {
            "CUSTOMER_ID": features["CUSTOMER_ID"].to_numpy(),
            "CHURN_RISK_SCORE": score_points(p),
            "FACTORS": ["; ".join(n) for n in named],
            "TOP_FACTOR": [n[0] if n else NO_FACTOR for n in named],
        }
    )
    out = active.merge(out, on="CUSTOMER_ID", how="left")
    cancelled = ~out["IS_ACTIVE"].astype(bool)
    unscored = out["CHURN_RISK_SCORE"].isna() & ~cancelled  # signed up on the last day
    out.loc[cancelled, "CHURN_RISK_SCORE"] = 100.0
    out.loc[cancelled, "TOP_FACTOR"] = CANCELLED
    out.loc[cancelled, "FACTORS"] = CANCELLED
    out.loc[unscored, "CHURN_RISK_SCORE"] = 0.0
    out.loc[unscored, ["TOP_FACTOR", "FACTORS"]] = [NO_FACTOR, ""]
    high, medium = thresholds_in_points(trained)
    out["CHURN_RISK_CATEGORY"] = band(out["CHURN_RISK_SCORE"].to_numpy(dtype=float), high, medium)
    return out[
        ["CUSTOMER_ID", "CHURN_RISK_SCORE", "CHURN_RISK_CATEGORY", "TOP_FACTOR", "FACTORS"]
    ].sort_values("CUSTOMER_ID", ignore_index=True)


def thresholds_in_points(trained: Trained) -> tuple[float, float]:
    """The band thresholds on the 0..100 scale (rounded to 0.1, like the scores)."""
    return float(score_points(np.array([trained.high_from]))[0]), float(
        score_points(np.array([trained.medium_from]))[0]
    )
