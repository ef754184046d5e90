"""The churn model card and the campaign simulator in Chromium: drawn figures, axe-core clean on a
desktop and a phone, and the simulator driven from the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import axe_audit, console_errors, format_violations
from tests.test_browser_overview import sign_in

pytest_plugins = ["tests.churn_fixtures"]
pytestmark = [
    pytest.mark.browser,
    # The starting roles (with the Campaigns workspace of migration 0004) come back after each flush
    # through tests/fixtures/oidc.py's `_starting_roles` (issue 11).
    pytest.mark.django_db(transaction=True),
]

PAGES = {"/models/churn/": 4, "/w/campaigns/?uplift=30": 1}  # path -> figures drawn


@pytest.fixture
def trained_portal(live_server, settings, trained, user) -> str:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return live_server.url


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_model_card_and_simulator_draw_their_figures_and_pass_axe(
    request, trained_portal, device
) -> None:
    page = request.getfixturevalue(device)
    sign_in(page, trained_portal)
    for path, figures in PAGES.items():
        page.goto(trained_portal + path)
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length === {figures}")
        violations = axe_audit(page)
        assert violations == [], f"{path}\n{format_violations(violations)}"
        assert console_errors(page) == [], path
        if device == "phone_page":
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, path


def test_the_simulator_is_usable_from_the_keyboard(page, trained_portal) -> None:
    sign_in(page, trained_portal)
    page.goto(trained_portal + "/w/campaigns/")
    page.locator("#f-horizon_months").focus()
    page.keyboard.press("Shift+Tab")  # back to the uplift field
    assert page.evaluate("() => document.activeElement.id") == "f-uplift"
    page.keyboard.press("Control+A")
    page.keyboard.type("55")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "uplift=55" in page.url
    expect(page.locator("#f-uplift")).to_have_value("55")
    page.locator("#scenario-name").focus()
    page.keyboard.type("Keyboard scenario")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Keyboard scenario")).to_be_visible()


COUNT_DRAWS = """(() => {
  let plotly;
  window.__draws = 0;
  Object.defineProperty(window, 'Plotly', {configurable: true, get() { return plotly; }, set(value) {
    plotly = value;
    const newPlot = value.newPlot;
    value.newPlot = function () { window.__draws += 1; return newPlot.apply(this, arguments); };
  }});
})();"""


def test_each_figure_is_drawn_once(page, trained_portal) -> None:
    # static/js/plots.js alone draws a page's own figures (customer.js and ask.js used to as well).
    page.add_init_script(COUNT_DRAWS)
    sign_in(page, trained_portal)
    for path, figures in PAGES.items():
        page.goto(trained_portal + path)
        page.wait_for_load_state("load")
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length === {figures}")
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__draws") == figures, path
