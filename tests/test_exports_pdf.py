"""PDF export: queued from the workspace page, rendered by a real Celery worker on the real Redis,
downloadable by its owner only, until it expires."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from django.contrib.auth.models import Group, User
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.access import Viewer
from dashboards.charts.registry import workspace
from dashboards.charts.service import load_chart
from dashboards.filters import load_data_range, load_options, parse_filters
from exports.headless import OWN_UI_OFF
from exports.models import ExportJob


def person(username: str, email: str = "") -> User:
    """A user with the starting role that sees everything (the group is harmless where roles are absent)."""
    user = User.objects.create_user(username, email=email or f"{username}@example.com")
    user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    return user


def test_the_workspace_page_offers_export_and_subscribe(signed_in: Client) -> None:
    html = signed_in.get("/w/overview/?preset=last_30").content.decode()
    assert 'action="/w/overview/export.pdf?preset=last_30' in html
    assert 'href="/w/overview/subscribe/?preset=last_30' in html
    assert 'href="/subscriptions/"' in html


def test_export_queues_a_job_for_the_view_that_only_its_owner_can_open(signed_in: Client, user: User) -> None:
    response = signed_in.post("/w/overview/export.pdf?preset=last_30&region=EMEA")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.id}/"
    assert (job.user, job.workspace, job.status) == (user, "overview", "queued")
    assert "region=EMEA" in job.query and "preset=last_30" in job.query
    assert signed_in.get(f"/exports/{job.id}/status.json").json()["status"] == "queued"
    assert signed_in.get(f"/exports/{job.id}/download").status_code == 404  # not ready

    other = Client()
    other.force_login(person("olga.other"))
    for url in (f"/exports/{job.id}/", f"/exports/{job.id}/status.json", f"/exports/{job.id}/download"):
        assert other.get(url).status_code == 404


def test_export_refuses_a_bad_filter_before_queuing(signed_in: Client) -> None:
    assert signed_in.post("/w/overview/export.pdf?region=Atlantis").status_code == 400
    assert not ExportJob.objects.exists()


def test_an_expired_download_is_gone(signed_in: Client, user: User) -> None:
    job = ExportJob.objects.create(
        user=user, workspace="overview", status="done", pdf=b"%PDF-1.7", filename="x.pdf",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )  # fmt: skip
    assert signed_in.get(f"/exports/{job.id}/download").status_code == 410
    job.expires_at = timezone.now() + dt.timedelta(hours=1)
    job.save()
    response = signed_in.get(f"/exports/{job.id}/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps rows of data migrations (roles)
def test_a_worker_renders_the_view_as_a_paper_document(
    celery_worker, client: Client, warehouse: Path, tmp_path: Path
) -> None:
    user = person("pia.pdf")
    client.force_login(user)
    query = "preset=last_90&region=EMEA&persona=Loyal+Advocate"
    response = client.post(f"/w/overview/export.pdf?{query}")
    assert response.status_code == 302, response.content.decode()[:2000]
    job_url = response["Location"]
    assert client.get(job_url).status_code == 200

    deadline, state = time.monotonic() + 120, {}
    progress_seen = set()
    while time.monotonic() < deadline:
        state = client.get(f"{job_url}status.json").json()
        progress_seen.add(state["progress"])
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state["status"] == "done", (state, celery_worker.output()[-3000:])
    assert state["download_url"]
    download = client.get(state["download_url"])
    assert download.status_code == 200
    pdf_path = tmp_path / "overview.pdf"
    pdf_path.write_bytes(download.content)

    reader = PdfReader(pdf_path)
    assert 2 <= len(reader.pages) <= 8
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Overview" in text
    assert "Region" in text and "EMEA" in text and "Loyal Advocate" in text and "Last 90 days" in text
    assert "Page 1 of" in text and f"Page {len(reader.pages)} of {len(reader.pages)}" in text

    # The KPI values are the ones the page shows for the same view and viewer.
    viewer = Viewer(username=user.username)
    filters = parse_filters(QueryDict(query), options=load_options(viewer), data=load_data_range(viewer))
    ws = workspace("overview")
    assert ws is not None
    for chart in ws.kpis[:4]:
        view = load_chart(chart, filters, viewer)
        assert view.kpi is not None and view.kpi.value in text, chart.id

    # Charts are vector drawings (form XObjects from the SVGs), not bitmaps of the page.
    forms = 0
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        forms += sum(1 for ref in xobjects.values() if ref.get_object().get("/Subtype") == "/Form")
    assert forms >= 3

    # PNG pages to look at (the path is printed with -s).
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(reader.pages)
    print("PDF pages as PNG:", *pngs)


def test_the_kaleido_chromium_closes_when_idle_and_the_next_chart_starts_it_again(settings) -> None:
    from exports import images

    settings.KALEIDO_IDLE_SECONDS = 1
    figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}
    try:
        assert images.render(figure).lstrip().startswith(b"<svg")
        assert images.running()
        deadline = time.monotonic() + 15
        while images.running() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not images.running()
        assert images.render(figure).lstrip().startswith(b"<svg")  # started again
    finally:
        images.stop()


def test_the_kaleido_chromium_builds_no_browser_ui_of_its_own(settings) -> None:
    """kaleido starts Chromium through bin/chromium-headless (settings.CHROMIUM_PATH), which turns off the
    WebUI address-bar pop-up: without it, a renderer of about 45 MB runs chrome://omnibox-popup."""
    from exports import images

    figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}
    try:
        for _ in range(3):
            assert images.render(figure).lstrip().startswith(b"<svg")
        time.sleep(2)  # the pop-up's renderer, when it comes, comes about a second after the window
        commands: list[str] = []
        for child in psutil.Process().children(recursive=True):
            # Chromium's children rewrite their command line as one string: search it as a whole.
            with contextlib.suppress(psutil.Error):
                commands.append(" ".join(child.cmdline()))
        renderers = [c for c in commands if "--type=renderer" in c]
        assert renderers, "kaleido's Chromium runs no renderer: the check would prove nothing"
        assert [c for c in renderers if "--top-chrome-webui" in c] == []
        assert OWN_UI_OFF in Path(settings.CHROMIUM_PATH).read_text()  # the launcher's flag is this one
    finally:
        images.stop()
