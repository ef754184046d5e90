"""The churn model card (analysts and administrators) and the churn score on Customer 360."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from accounts.models import Role

pytest_plugins = ["tests.churn_fixtures"]
pytestmark = pytest.mark.django_db


def test_the_model_card_shows_metrics_thresholds_and_every_figure(client, role_user, trained: Path) -> None:
    with duckdb.connect(str(trained), read_only=True) as con:
        [(version, f1, high, card)] = con.execute(
            "SELECT MODEL_VERSION, F1, HIGH_FROM, CARD FROM ANALYTICS.CHURN_MODEL_VERSIONS"
        ).fetchall()
    card = json.loads(card)
    client.force_login(role_user("Administrator"))
    response = client.get("/models/churn/")
    assert response.status_code == 200
    body = response.content.decode()
    assert version in body and f"{f1:.3f}" in body
    assert f"High from a score of {float(high)}" in body
    for figure in ("fig-calibration", "fig-pr", "fig-importance", "fig-scores"):
        assert f'id="{figure}"' in body
    for words in ("Confusion matrix", "Change against the previous version", "Data window", "Training time"):
        assert words in body
    assert card["data_window"]["held_out_cutoff"] in body
    assert str(card["metrics"]["tp"]) in body


@pytest.mark.parametrize(
    ("role_name", "allowed"),
    [
        ("Administrator", True),
        ("CX analyst", True),
        ("Customer success manager", True),
        ("Product manager", False),
    ],
)
def test_the_model_card_opens_for_analysts_and_administrators_only(
    client, role_user, trained: Path, role_name: str, allowed: bool
) -> None:
    role = Role.objects.get(name=role_name)
    assert allowed == (role.is_admin or "segments" in role.workspaces)
    client.force_login(role_user(role_name))
    assert client.get("/models/churn/").status_code == (200 if allowed else 404)


def test_the_model_card_says_so_when_no_model_was_trained(client, role_user, warehouse: Path) -> None:
    client.force_login(role_user("Administrator"))
    response = client.get("/models/churn/")
    assert response.status_code == 200
    assert "No churn model has been trained" in response.content.decode()


def test_customer_360_shows_the_score_band_and_the_factors_that_raised_it(
    client, role_user, trained: Path
) -> None:
    with duckdb.connect(str(trained), read_only=True) as con:
        [(customer, score, band, factors)] = con.execute(
            "SELECT s.CUSTOMER_ID, s.CHURN_RISK_SCORE, s.CHURN_RISK_CATEGORY, s.FACTORS "
            "FROM ANALYTICS.CHURN_MODEL_SCORES s JOIN ANALYTICS.CUSTOMER_BASE c USING (CUSTOMER_ID) "
            "WHERE c.IS_ACTIVE AND s.CHURN_RISK_CATEGORY = 'High' AND s.FACTORS <> '' "
            "ORDER BY s.CHURN_RISK_SCORE DESC, s.CUSTOMER_ID LIMIT 1"
        ).fetchall()
    client.force_login(role_user("Administrator"))
    body = client.get(f"/customers/{customer}/").content.decode()
    assert f"Churn score {float(score):.1f}" in body
    assert f"<strong>{band}</strong> risk" in body
    assert factors.split("; ")[0] in body
