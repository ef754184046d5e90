"""/api/v1/scenarios/: the campaign simulator and saved scenarios through the API, with a personal
token, the same scope and validation as the page; numbers against an independent simulation (pandas).
Also the PDF export endpoints of the API: start, poll, download, and a role without the export right."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from django.test import Client

from dashboards.api import tokens
from dashboards.campaigns.maths import Assumptions, simulate
from dashboards.models import CampaignScenario
from exports import jobs
from exports.models import ExportJob
from tests.test_campaigns_views import INPUTS, audience_of, frame  # noqa: F401  (frame is a fixture)

pytest_plugins = ["tests.churn_fixtures"]
pytestmark = pytest.mark.django_db

URL = "/api/v1/scenarios/"
ASSUMED = Assumptions(2.0, 10.0, 0.2, 0.3, 12)


@pytest.fixture
def api(role_user):
    def make(role_name: str) -> Client:
        _, secret = tokens.issue(role_user(role_name), "notebook", 30)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def test_simulate_matches_an_independent_simulation_for_the_whole_audience_and_each_band(
    api,
    trained,
    frame: pd.DataFrame,  # noqa: F811
) -> None:
    response = api("CX analyst").get(f"{URL}simulate?{INPUTS}")
    assert response.status_code == 200, response.content
    body = response.json()
    want = simulate(audience_of(frame), ASSUMED)
    assert body["audience"]["customers"] == len(frame)
    assert body["outcome"]["roi"] == pytest.approx(want.roi, rel=1e-6)
    assert body["outcome"]["retained_revenue"] == pytest.approx(want.retained_revenue, rel=1e-6)
    assert body["outcome"]["cost"] == pytest.approx(len(frame) * 2 + len(frame) * 0.2 * 10)
    bands = {b["band"]: b for b in body["bands"]}
    assert set(bands) == set(frame.CHURN_RISK_CATEGORY)
    for band, part in frame.groupby("CHURN_RISK_CATEGORY"):
        assert bands[band]["audience"]["customers"] == len(part)
        assert bands[band]["outcome"]["roi"] == pytest.approx(
            simulate(audience_of(part), ASSUMED).roi, rel=1e-6
        )
    assert body["assumptions"]["acceptance"] == pytest.approx(0.2)
    assert "uplift=30" in body["query"] and body["recommendation"]


def test_a_support_lead_simulates_emea_customers_only(api, trained, frame: pd.DataFrame) -> None:  # noqa: F811
    body = api("Support lead").get(f"{URL}simulate?{INPUTS}").json()
    emea = frame[frame.REGION == "EMEA"]
    assert body["audience"]["customers"] == len(emea) < len(frame)
    assert body["audience"]["expected_churners"] == pytest.approx(emea.CHURN_RISK_SCORE.sum() / 100, abs=0.01)


@pytest.mark.parametrize(
    ("query", "param"),
    [("cost_per_contact=-1", "cost_per_contact"), ("uplift=140", "uplift"), ("region=Atlantis", "region")],
)
def test_bad_input_is_a_json_400_naming_the_parameter(api, trained, query: str, param: str) -> None:
    response = api("CX analyst").get(f"{URL}simulate?{INPUTS}&{query}")
    assert response.status_code == 400
    assert response.json()["param"] == param and param in response.json()["message"]


def test_a_role_without_the_workspace_gets_a_404(api, trained) -> None:
    client = api("Product manager")
    assert client.get(f"{URL}simulate?{INPUTS}").status_code == 404
    assert client.get(URL).status_code == 404


def test_scenarios_are_saved_listed_and_deleted_by_their_owner_only(api, trained) -> None:
    mine, other = api("CX analyst"), api("Support lead")
    created = mine.post(
        URL, json.dumps({"name": "High band push", "query": INPUTS}), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    scenario = created.json()
    assert scenario["name"] == "High band push" and "cost_per_contact=2" in scenario["query"]
    assert [s["id"] for s in mine.get(URL).json()] == [scenario["id"]]
    assert other.get(URL).json() == []
    assert other.delete(f"{URL}{scenario['id']}").status_code == 404
    assert mine.delete(f"{URL}{scenario['id']}").status_code == 204
    assert not CampaignScenario.objects.exists()


def test_a_bad_scenario_is_refused_and_nothing_is_kept(api, trained) -> None:
    client = api("CX analyst")
    body = json.dumps({"name": "Bad", "query": f"{INPUTS}&acceptance=120"})
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["param"] == "acceptance"
    empty = client.post(URL, json.dumps({"name": "", "query": INPUTS}), content_type="application/json")
    assert empty.status_code in (400, 422)
    assert not CampaignScenario.objects.exists()


def test_the_schema_documents_the_scenario_endpoints(signed_in) -> None:
    paths = signed_in.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/scenarios/simulate" in paths and "/api/v1/scenarios/" in paths
    names = {p["name"] for p in paths["/api/v1/scenarios/simulate"]["get"]["parameters"]}
    assert {"uplift", "acceptance", "score_min", "region", "preset"} <= names


# --- PDF exports through the API ------------------------------------------------------------------------


def test_an_api_export_is_started_polled_and_downloaded(api, warehouse) -> None:
    client = api("CX analyst")
    started = client.post("/api/v1/workspaces/overview/exports?preset=last_30&region=EMEA")
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["status"] == "queued" and started["Location"] == job["status_url"]
    assert client.get(f"/api/v1/exports/{job['id']}/download").status_code == 409  # not ready
    jobs.export_run(job["id"])  # what the worker runs
    polled = client.get(job["status_url"]).json()
    assert polled["status"] == "done" and polled["download_url"]
    pdf = client.get(polled["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert api("Support lead").get(job["status_url"]).status_code == 404  # someone else's job


def test_an_api_export_is_refused_to_a_role_without_the_export_right(api, warehouse) -> None:
    response = api("Executive").post("/api/v1/workspaces/overview/exports?preset=last_30")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not ExportJob.objects.exists()


def test_an_api_export_with_a_bad_filter_is_a_400_and_queues_nothing(api, warehouse) -> None:
    response = api("CX analyst").post("/api/v1/workspaces/overview/exports?region=Atlantis")
    assert response.status_code == 400 and response.json()["param"] == "region"
    assert not ExportJob.objects.exists()
