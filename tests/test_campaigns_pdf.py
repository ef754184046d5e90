"""A campaign scenario as a PDF: queued from the simulator, rendered by the export job for the
requester's scope (rights checked again in the job), its figures equal to an independent simulation."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboards.campaigns.maths import Assumptions, simulate
from exports import jobs
from exports.models import ExportJob
from tests.test_campaigns_views import INPUTS, audience_of, frame  # noqa: F401  (frame is a fixture)

pytest_plugins = ["tests.churn_fixtures"]
pytestmark = pytest.mark.django_db

ASSUMED = Assumptions(2.0, 10.0, 0.2, 0.3, 12)


def text_of(job: ExportJob) -> str:
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.message
    assert job.pdf is not None
    reader = PdfReader(io.BytesIO(bytes(job.pdf)))
    return "\n".join(page.extract_text() for page in reader.pages)


def export(client, query: str = INPUTS) -> ExportJob:
    response = client.post(f"/w/campaigns/export.pdf?{query}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.id}/"
    assert job.workspace == "campaigns"
    jobs.export_run(str(job.id))  # what the Celery task runs
    return job


def test_the_simulator_offers_the_pdf_to_roles_that_may_export(client, role_user, trained: Path) -> None:
    client.force_login(role_user("CX analyst"))
    assert 'action="/w/campaigns/export.pdf?' in client.get(f"/w/campaigns/?{INPUTS}").content.decode()
    client.force_login(role_user("Executive"))
    assert "export.pdf" not in client.get(f"/w/campaigns/?{INPUTS}").content.decode()


def test_the_pdf_holds_the_scenario_as_an_independent_simulation_computes_it(
    client,
    role_user,
    trained: Path,
    frame: pd.DataFrame,  # noqa: F811
) -> None:
    client.force_login(role_user("Administrator"))
    text = text_of(export(client))
    want = simulate(audience_of(frame), ASSUMED)
    assert want.roi is not None
    assert f"{want.roi:.2f}x" in text
    assert f"{len(frame):,}" in text
    assert f"${want.net:,.0f}".replace("$-", "-$") in text
    for band, part in frame.groupby("CHURN_RISK_CATEGORY"):
        band_roi = simulate(audience_of(part), ASSUMED).roi
        assert f"{band_roi:.2f}x" in text, band
    for words in ("Recommendation:", "Breakeven uplift", "ROI against retention uplift and acceptance"):
        assert words in text, words


def test_a_support_leads_pdf_simulates_emea_customers_only(
    client,
    role_user,
    trained: Path,
    frame: pd.DataFrame,  # noqa: F811
) -> None:
    client.force_login(role_user("Support lead"))
    text = text_of(export(client))
    emea = frame[frame.REGION == "EMEA"]
    assert f"{len(emea):,}" in text
    assert f"{len(frame):,}" not in text
    assert f"{simulate(audience_of(emea), ASSUMED).roi:.2f}x" in text


def test_no_export_right_is_a_403_and_the_job_refuses_too(client, role_user, trained: Path) -> None:
    executive = role_user("Executive")
    client.force_login(executive)
    assert client.post(f"/w/campaigns/export.pdf?{INPUTS}").status_code == 403
    assert not ExportJob.objects.exists()
    job = ExportJob.objects.create(user=executive, workspace="campaigns", query=INPUTS)  # e.g. queued earlier
    jobs.export_run(str(job.id))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "may not export" in job.message
    assert not job.pdf


def test_a_role_without_the_workspace_gets_a_404(client, role_user, trained: Path) -> None:
    client.force_login(role_user("Product manager"))
    assert client.post(f"/w/campaigns/export.pdf?{INPUTS}").status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"), [("cost_per_contact=-1", "cost_per_contact"), ("uplift=140", "uplift")]
)
def test_bad_input_is_a_400_naming_the_field_and_queues_nothing(
    client, role_user, trained: Path, query: str, field: str
) -> None:
    client.force_login(role_user("Administrator"))
    response = client.post(f"/w/campaigns/export.pdf?{INPUTS}&{query}")
    assert response.status_code == 400 and field in response.content.decode()
    assert not ExportJob.objects.exists()
