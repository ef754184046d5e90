"""Train the churn model on a time-based split and measure it on a later, held-out cut-off.

Cut-offs count back from the last day with data: the held-out cut-off is `LABEL_DAYS` before the
end (its label window ends with the data); the validation cut-off is `LABEL_DAYS` before that, and
the training cut-offs further back. The gradient-boosted model learns from the training cut-offs,
is calibrated (isotonic) and given its band thresholds on the validation cut-off, and is measured
once on the held-out cut-off, which nothing before has seen. Labels never overlap a later cut-off's
features' future: every label window ends on or before the next cut-off.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.inspection import permutation_importance
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
)

from .features import CATEGORICAL, FEATURES, LABEL_DAYS, Source, prepare, training_frame

TRAIN_CUTOFFS = 3  # training cut-offs, LABEL_DAYS apart, before the validation cut-off
MIN_PRECISION = 0.65  # the High band's threshold keeps validation precision at least this
SEED = 0


@dataclass
class Split:
    train: list[dt.date]
    validation: dt.date
    held_out: dt.date


@dataclass
class Trained:
    """A fitted, calibrated model with its thresholds and what the model card shows."""

    model: CalibratedClassifierCV
    high_from: float  # probability from which a customer is in the High band
    medium_from: float
    split: Split
    metrics: dict[str, Any]
    card: dict[str, Any] = field(default_factory=dict)
    reference: pd.DataFrame | None = None  # one typical customer (medians, most common categories)
    top_features: list[str] = field(default_factory=list)
    training_seconds: float = 0.0

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model.predict_proba(prepare(frame))[:, 1])


def split_for(last_day: dt.date) -> Split:
    held_out = last_day + dt.timedelta(days=1) - dt.timedelta(days=LABEL_DAYS)
    validation = held_out - dt.timedelta(days=LABEL_DAYS)
    train = [validation - dt.timedelta(days=LABEL_DAYS * k) for k in range(1, TRAIN_CUTOFFS + 1)]
    return Split(train=train, validation=validation, held_out=held_out)


def _f1_threshold(y: np.ndarray, p: np.ndarray, min_precision: float) -> float:
    """The probability threshold with the best F1 among those keeping precision >= min_precision
    (the best F1 overall when none does)."""
    precision, recall, thresholds = precision_recall_curve(y, p)
    precision, recall = precision[:-1], recall[:-1]
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    ok = precision >= min_precision
    candidates = np.where(ok, f1, -1.0) if ok.any() else f1
    return float(thresholds[int(np.argmax(candidates))])


def _metrics(y: np.ndarray, predicted: np.ndarray, p: np.ndarray) -> dict[str, float]:
    return {
        "f1": float(f1_score(y, predicted, zero_division=0)),
        "precision": float(precision_score(y, predicted, zero_division=0)),
        "recall": float(recall_score(y, predicted, zero_division=0)),
        "roc_auc": float(roc_auc_score(y, p)) if len(set(y)) == 2 else float("nan"),
    }


def _baseline(validation: pd.DataFrame, held_out: pd.DataFrame) -> dict[str, float]:
    """One feature, recency: its threshold chosen on the validation cut-off like the model's."""
    days_v = validation["RECENCY_DAYS"].to_numpy(dtype=float)
    days_h = held_out["RECENCY_DAYS"].to_numpy(dtype=float)
    threshold = _f1_threshold(validation["CHURNED"].to_numpy(), days_v, 0.0)
    y = held_out["CHURNED"].to_numpy()
    result = _metrics(y, days_h >= threshold, days_h)
    return {f"baseline_{k}": v for k, v in result.items()} | {"baseline_recency_days": threshold}


def _reference(frame: pd.DataFrame) -> pd.DataFrame:
    """A typical customer: the median of each number and the most common value of each category."""
    row: dict[str, Any] = {}
    for column in FEATURES:
        values = frame[column]
        row[column] = values.mode().iloc[0] if column in CATEGORICAL else values.median()
    return pd.DataFrame([row])


def _curve(xs: np.ndarray, ys: np.ndarray, points: int = 120) -> dict[str, list[float]]:
    if len(xs) > points:
        keep = np.unique(np.linspace(0, len(xs) - 1, points).astype(int))
        xs, ys = xs[keep], ys[keep]
    return {"x": [round(float(v), 4) for v in xs], "y": [round(float(v), 4) for v in ys]}


def train(source: Source, last_day: dt.date, *, importance_rows: int = 4000) -> Trained:
    """Fit, calibrate and measure the model. Raises ValueError when a cut-off has too little data."""
    started = time.perf_counter()
    split = split_for(last_day)
    train_frame = pd.concat([training_frame(source, c) for c in split.train], ignore_index=True)
    validation = training_frame(source, split.validation)
    held_out = training_frame(source, split.held_out)
    for name, frame in (("training", train_frame), ("validation", validation), ("held-out", held_out)):
        labels = frame["CHURNED"]
        if len(frame) < 50 or labels.all() or not labels.any():
            raise ValueError(
                f"the {name} cut-off has too few customers or only one outcome ({len(frame)} rows)"
            )

    booster = HistGradientBoostingClassifier(
        categorical_features="from_dtype",
        max_iter=300,
        learning_rate=0.05,
        early_stopping=True,
        random_state=SEED,
    )
    booster.fit(prepare(train_frame), train_frame["CHURNED"].to_numpy())
    model = CalibratedClassifierCV(FrozenEstimator(booster), method="isotonic")
    y_val = validation["CHURNED"].to_numpy()
    model.fit(prepare(validation), y_val)
    p_val = np.asarray(model.predict_proba(prepare(validation))[:, 1])
    high_from = _f1_threshold(y_val, p_val, MIN_PRECISION)
    medium_from = high_from / 2

    y = held_out["CHURNED"].to_numpy()
    x_held = prepare(held_out)
    p = np.asarray(model.predict_proba(x_held)[:, 1])
    predicted = p >= high_from
    metrics = _metrics(y, predicted, p) | _baseline(validation, held_out)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, predicted, labels=[False, True]).ravel())
    metrics |= {"tn": tn, "fp": fp, "fn": fn, "tp": tp, "prevalence": float(y.mean())}

    sample = held_out.sample(n=min(importance_rows, len(held_out)), random_state=SEED)
    importance = permutation_importance(
        model,
        prepare(sample),
        sample["CHURNED"].to_numpy(),
        scoring="roc_auc",
        n_repeats=3,
        random_state=SEED,
    )
    order = np.argsort(-importance.importances_mean)
    ranked = [
        (FEATURES[i], float(importance.importances_mean[i]), float(importance.importances_std[i]))
        for i in order
    ]
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="quantile")
    precision, recall, _ = precision_recall_curve(y, p)
    training_seconds = time.perf_counter() - started

    card = {
        "data_window": {
            "last_day": last_day.isoformat(),
            "train_cutoffs": [c.isoformat() for c in split.train],
            "validation_cutoff": split.validation.isoformat(),
            "held_out_cutoff": split.held_out.isoformat(),
            "label_days": LABEL_DAYS,
        },
        "rows": {"train": len(train_frame), "validation": len(validation), "held_out": len(held_out)},
        "importance": [{"feature": f, "mean": round(m, 5), "std": round(s, 5)} for f, m, s in ranked],
        "calibration": _curve(prob_pred, prob_true),
        "pr_curve": _curve(recall[::-1], precision[::-1]),
    }
    return Trained(
        model=model,
        high_from=high_from,
        medium_from=medium_from,
        split=split,
        metrics=metrics,
        card=card,
        reference=_reference(train_frame),
        top_features=[f for f, m, _ in ranked if m > 0][:8],
        training_seconds=training_seconds,
    )
