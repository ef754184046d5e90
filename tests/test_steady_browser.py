"""In Chromium: a chart request that gets no answer ends in the error state with Retry (portal.js's
timeout), and the demo's Outbox page shows a digest sent with "Send me one now" (axe, phone width)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, Route, expect

from exports.outbox import OutboxBackend
from tests.fixtures.browser import axe_audit, format_violations
from tests.test_browser_overview import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture
def portal(live_server: Any, settings: Any, warehouse: Path, user: User, tmp_path: Path) -> str:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = f"{OutboxBackend.__module__}.OutboxBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    User.objects.filter(id=user.id).update(email="ana.analyst@example.com")
    return str(live_server.url)


KPI_FRAGMENT = re.compile(r"/w/[a-z_-]+/kpis/")


def test_a_chart_that_gets_no_answer_shows_the_error_state_and_retry_loads_it(
    page: Page, portal: str
) -> None:
    page.add_init_script("window.PORTAL_CHART_TIMEOUT_MS = 1500;")
    held: list[Route] = []
    page.route(KPI_FRAGMENT, lambda route: held.append(route))  # never answered
    sign_in(page, portal)
    error = page.locator(".chart-error", has_text="took too long").first
    expect(error).to_be_visible(timeout=20_000)
    src = error.locator("xpath=ancestor::*[@data-chart-src][1]").get_attribute("data-chart-src")
    page.unroute(KPI_FRAGMENT)
    error.get_by_role("button", name="Retry").click()
    container = page.locator(f'[data-chart-src="{src}"]')
    expect(container.locator(".kpi-value").first).to_be_visible(timeout=20_000)
    expect(container.locator(".chart-error")).to_have_count(0)


def test_the_outbox_shows_a_digest_sent_now_and_passes_axe(page: Page, portal: str, settings: Any) -> None:
    from exports import digests
    from exports.models import DigestRun

    user = User.objects.get(username="ana.analyst")
    sub = digests.subscription_create(
        user=user, created_by=user, workspace="overview", query="preset=last_30"
    )
    run = DigestRun.objects.create(
        subscription=sub, recipient=user, scheduled_for=sub.next_run_at, kind="now"
    )
    assert digests.deliver_run(run.id) == "sent"
    sign_in(page, portal, "/outbox/")
    expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
    row = page.locator("table.outbox tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("ana.analyst@example.com")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "outbox-desktop.png"), full_page=True)
    violations = axe_audit(page)  # serious and critical ones
    assert violations == [], format_violations(violations)
    row.get_by_role("link").click()
    expect(page.locator("pre.mail-text")).to_contain_text("http")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "outbox-mail-phone.png"), full_page=True)
    violations = axe_audit(page)  # serious and critical ones
    assert violations == [], format_violations(violations)
    page.goto(f"{portal}/outbox/")
    page.screenshot(path=str(SHOTS / "outbox-phone.png"), full_page=True)
    page.keyboard.press("Tab")  # keyboard: the skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
