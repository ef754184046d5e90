"""A threshold alert on the churn KPI reads the latest churn model version: its value equals a pandas
computation over that version's scores in CHURN_MODEL_SCORES, and follows a newly written version."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from django.contrib.auth.models import Group, User

from dashboards.churn import store
from exports import alerts
from exports.models import Alert

pytest_plugins = ["tests.churn_fixtures"]


@pytest.fixture
def warehouse_copy(settings: Any, trained_path: tuple[Path, str], tmp_path: Path) -> Iterator[Path]:
    """A copy of the trained warehouse as the portal's backend (the session's file stays untouched)."""
    from dashboards.warehouse import client as warehouse_client

    path = tmp_path / "alerts.duckdb"
    shutil.copyfile(trained_path[0], path)
    settings.WAREHOUSE_PATH = path
    settings.WAREHOUSE_BACKEND = "duckdb"
    warehouse_client.reset()
    yield path
    warehouse_client.reset()


def read(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).df()


def latest_scores(path: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The latest version's row and its scores, read from the version tables themselves."""
    versions = read(path, "SELECT * FROM ANALYTICS.CHURN_MODEL_VERSIONS")
    latest = versions.sort_values("TRAINED_AT").iloc[-1].to_dict()
    scores = read(path, "SELECT * FROM ANALYTICS.CHURN_MODEL_SCORES")
    return latest, scores[scores.MODEL_VERSION.eq(latest["MODEL_VERSION"])]


def expected_high_share(path: Path) -> float:
    """Of the customers with an interaction, the share whose latest-version churn band is High."""
    _, scores = latest_scores(path)
    customers = read(path, "SELECT DISTINCT CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS")
    bands = customers.merge(scores[["CUSTOMER_ID", "CHURN_RISK_CATEGORY"]], on="CUSTOMER_ID", how="left")
    return float((bands.CHURN_RISK_CATEGORY == "High").mean())


def write_riskier_version(path: Path) -> str:
    """A new latest version: the previous scores with every Medium customer moved up to High."""
    latest, scores = latest_scores(path)
    new = scores.copy()
    medium = new.CHURN_RISK_CATEGORY == "Medium"
    assert medium.any()
    new.loc[medium, "CHURN_RISK_CATEGORY"] = "High"
    new.loc[medium, "CHURN_RISK_SCORE"] = float(latest["HIGH_FROM"])
    row = {k: v for k, v in latest.items() if k not in ("MODEL_VERSION", "TRAINED_AT", "CARD")}
    version = f"{latest['MODEL_VERSION']}-riskier"
    store.write_version(
        path,
        version=version,
        scores=new[["CUSTOMER_ID", "CHURN_RISK_SCORE", "CHURN_RISK_CATEGORY", "TOP_FACTOR", "FACTORS"]],
        row=row,
        card=json.loads(latest["CARD"]) if isinstance(latest["CARD"], str) else dict(latest["CARD"]),
        scored_at=pd.Timestamp(latest["TRAINED_AT"]).to_pydatetime() + dt.timedelta(hours=1),
    )
    return version


@pytest.mark.django_db
def test_the_churn_alert_reads_the_latest_model_version(warehouse_copy: Path) -> None:
    user = User.objects.create_user("ana", email="ana@example.com")
    user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    alert = Alert.objects.create(
        user=user, workspace="overview", chart_id="kpi_high_churn_share", query="preset=all",
        operator="above", threshold=0.99, cooldown_minutes=0,
    )  # fmt: skip

    before = alerts.alert_value(alert)
    assert before is not None
    assert before == pytest.approx(expected_high_share(warehouse_copy))

    version = write_riskier_version(warehouse_copy)
    assert latest_scores(warehouse_copy)[0]["MODEL_VERSION"] == version
    after = alerts.alert_value(alert)
    assert after == pytest.approx(expected_high_share(warehouse_copy))
    assert after is not None and after > before
