"""Every workspace (each tab), the presets page and the customer search in Chromium: an axe-core audit with
no serious or critical violation, nothing wider than a 375 px phone, no chart error, no console error."""

from urllib.parse import urlencode

import pytest

from dashboards.charts.registry import WORKSPACES
from tests.fixtures.browser import axe_audit, console_errors, format_violations
from tests.test_browser_overview import ALL_LOADED, portal, sign_in  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    f"/w/{ws.slug}/" + (f"?{urlencode({'tab': tab})}" if tab else "")
    for ws in WORKSPACES.values()
    if ws.charts  # Campaigns is a simulator page: tests/test_campaigns_browser.py
    for tab in (ws.tabs or ("",))
] + [
    "/preferences/",
    "/customers/?q=an",
    "/subscriptions/",
    "/alerts/",
    "/w/overview/subscribe/?preset=last_30",
    "/w/overview/alert/?preset=last_30",
]

TRACE_TYPES = """() => {
  const types = [...document.querySelectorAll('.js-plotly-plot')].flatMap(
    gd => (gd.data || []).map(t => t.type || 'scatter'));
  const known = window.Plotly ? new Set(Object.keys(Plotly.PlotSchema.get().traces)) : new Set();
  return {
    types: [...new Set(types)],
    unregistered: [...new Set(types.filter(t => !known.has(t)))],
    loads3d: [...document.scripts].some(s => s.src.includes('plotly-portal-3d')),
  };
}"""


def check_page(page, base: str, path: str) -> None:
    page.goto(base + path)
    page.wait_for_function(
        # Drawn, not only loaded: plots off screen are drawn once every part has arrived.
        "() => [...document.querySelectorAll('[data-chart-src]')].every(e => e.dataset.drawn === 'true')",
        timeout=60_000,
    )
    assert page.locator(".chart-error").count() == 0, path
    # The page loaded the plotly.js bundle that registers every trace type it draws (an unregistered
    # type is not an error in plotly.js: it is drawn as an invisible scatter), and the 3-D bundle
    # only where a 3-D chart is drawn.
    drawn = page.evaluate(TRACE_TYPES)
    assert drawn["unregistered"] == [], f"{path} draws {drawn['unregistered']} with a bundle lacking them"
    assert drawn["loads3d"] == ("scatter3d" in drawn["types"]), f"{path}: {drawn}"
    violations = axe_audit(page)
    assert violations == [], f"{path}\n{format_violations(violations)}"
    assert console_errors(page) == [], path


def test_every_page_passes_axe_on_a_desktop(page, portal):  # noqa: F811
    sign_in(page, portal)
    for path in PAGES:
        check_page(page, portal, path)


def test_every_page_passes_axe_and_fits_a_phone(phone_page, portal):  # noqa: F811
    sign_in(phone_page, portal)
    for path in PAGES:
        check_page(phone_page, portal, path)
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
