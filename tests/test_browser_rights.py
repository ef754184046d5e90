"""As the Executive (no export right) in Chromium: the workspace shows no CSV link and no "Export
PDF", and the refusal page of a CSV link opened anyway is in the portal's layout, says why, passes an
axe-core audit, leads back with the keyboard and fits a 390 px phone. Screenshots go to
$SCREENSHOT_DIR (default var/screenshots) for people to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import axe_audit, format_violations
from tests.fixtures.portal import TEST_PASSWORD
from tests.test_browser_overview import ALL_LOADED, portal  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / "var" / "screenshots"))
QUERY = "preset=last_30"


def sign_in_as_executive(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("u-executive")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/w/overview/")


def check_as_executive(page: Page, base: str, size: str) -> None:
    sign_in_as_executive(page, base)
    page.goto(f"{base}/w/overview/?{QUERY}")
    page.wait_for_function(ALL_LOADED, timeout=60_000)
    assert page.locator("a.download").count() == 0
    assert page.get_by_role("button", name="Export PDF").count() == 0
    expect(page.get_by_role("link", name="Subscribe")).to_be_visible()
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"executive-overview-{size}.png"), full_page=True)

    response = page.goto(f"{base}/w/overview/chart/sentiment_trend.csv?{QUERY}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Your role does not allow this")
    expect(page.get_by_role("alert")).to_contain_text("may not export")
    expect(page.get_by_role("navigation", name="Workspaces")).to_be_attached()
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    page.screenshot(path=str(SHOTS / f"forbidden-{size}.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # type: ignore[index]
    # Over-long input: a 400 page in the same layout, naming the parameter.
    response = page.goto(f"{base}/w/overview/?persona={'x' * 2500}")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("persona")
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    page.screenshot(path=str(SHOTS / f"bad-request-{size}.png"), full_page=True)
    page.go_back()
    # Keyboard: the link back to the view is reachable and works.
    back = page.get_by_role("link", name="Back to the view")
    back.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/w/overview/?{QUERY}&grain=day")


@pytest.mark.parametrize(("size", "viewport"), [("desktop", (1280, 900)), ("phone", (390, 844))])
def test_the_executive_sees_no_export_controls_and_a_refusal_page_in_the_layout(
    browser,
    portal,  # noqa: F811
    role_user,
    size: str,
    viewport: tuple[int, int],
) -> None:
    role_user("Executive")
    width, height = viewport
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=size == "phone", has_touch=size == "phone"
    )
    try:
        check_as_executive(context.new_page(), portal, size)
    finally:
        context.close()
