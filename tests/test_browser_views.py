"""A chart with views (Chart.views) draws its first view with the page and another on request: the
Segmentation RFM chart is bubbles on the 2-D plotly.js bundle, and its 3-D button loads the 3-D bundle
only then and draws the scene in place, with the keyboard as with the mouse."""

import pytest
from playwright.sync_api import Page

from tests.fixtures.browser import console_errors
from tests.test_browser_overview import portal, sign_in  # noqa: F401 - the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ALL_DRAWN = "() => [...document.querySelectorAll('[data-chart-src]')].every(e => e.dataset.drawn === 'true')"
RFM = "[data-chart-src*='/chart/rfm/']"
TYPES = f'() => [...document.querySelectorAll("{RFM} .js-plotly-plot")].flatMap(d => d.data.map(t => t.type))'
BUNDLES = "() => [...document.scripts].map(s => s.src).filter(s => s.includes('/vendor/plotly-portal'))"


def _open_segments(page: Page, base: str) -> None:
    sign_in(page, base, "/w/segments/")
    page.wait_for_function(ALL_DRAWN, timeout=60_000)


def test_the_3d_view_loads_its_bundle_only_when_asked_and_draws_in_place(page: Page, portal: str) -> None:  # noqa: F811
    _open_segments(page, portal)
    assert set(page.evaluate(TYPES)) == {"scatter"}
    assert [src.rsplit("/", 1)[1] for src in page.evaluate(BUNDLES)] == ["plotly-portal.min.js"]
    plots = page.locator(".js-plotly-plot").count()

    three_d = page.locator(RFM).get_by_role("button", name="3-D")
    assert three_d.get_attribute("aria-pressed") == "false"
    three_d.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({TYPES})().includes('scatter3d')", timeout=60_000)
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    assert set(page.evaluate(TYPES)) == {"scatter3d"}
    assert "plotly-portal-3d.min.js" in [src.rsplit("/", 1)[1] for src in page.evaluate(BUNDLES)]
    assert page.locator(RFM).get_by_role("button", name="3-D").get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => document.activeElement.textContent") == "3-D"  # focus stays on the switch
    assert page.locator(".js-plotly-plot").count() == plots  # the other charts stand

    page.locator(RFM).get_by_role("button", name="2-D").click()
    page.wait_for_function(
        f"() => ({TYPES})().length > 0 && !({TYPES})().includes('scatter3d')", timeout=30_000
    )
    assert set(page.evaluate(TYPES)) == {"scatter"}
    assert page.locator(".chart-error").count() == 0
    assert console_errors(page) == []


def test_a_3d_bundle_that_cannot_load_fails_that_chart_alone_with_retry(page: Page, portal: str) -> None:  # noqa: F811
    page.route("**/vendor/plotly-portal-3d*", lambda route: route.abort())
    _open_segments(page, portal)
    page.locator(RFM).get_by_role("button", name="3-D").click()
    error = page.locator(f"{RFM} .chart-error")
    error.wait_for(timeout=30_000)
    assert "could not be loaded" in error.inner_text()
    assert error.get_by_role("button", name="Retry").is_visible()
    assert page.locator(".chart-error").count() == 1
    assert page.locator(".js-plotly-plot").count() >= 4  # the rest of the page is drawn
    page.unroute("**/vendor/plotly-portal-3d*")
    page.locator(RFM).get_by_role("button", name="2-D").click()  # the switch stays: back to bubbles
    page.wait_for_function(f"() => ({TYPES})().includes('scatter')", timeout=30_000)
    assert page.locator(".chart-error").count() == 0
