"""The Overview in Chromium: sign in, every chart drawn, a filter changed, a link shared, a CSV
downloaded, an axe-core audit, the keyboard, and a phone-sized screen."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from dashboards.charts.overview import OVERVIEW
from tests.fixtures.browser import axe_audit, console_errors, format_violations
from tests.fixtures.portal import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ALL_LOADED = (
    "() => { const c = document.querySelectorAll('[data-chart-src]');"
    " return c.length > 0 && [...c].every(e => e.dataset.loaded === 'true')"
    " && [...document.querySelectorAll('[data-plot]')].every(d => d.classList.contains('js-plotly-plot')); }"
)


@pytest.fixture
def portal(live_server, settings, warehouse, user):
    # The live server serves static files from the finders, so use un-hashed names here;
    # test_static.py checks the hashed, compressed files that production serves.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return live_server.url


def sign_in(page: Page, base: str, next_path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={quote(next_path)}")
    page.get_by_label("Username").fill("ana.analyst")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def wait_for_charts(page: Page) -> None:
    page.wait_for_function(ALL_LOADED, timeout=30_000)


def test_a_user_signs_in_and_sees_every_overview_chart_drawn(page, portal):
    sign_in(page, portal)
    expect(page).to_have_url(f"{portal}/w/overview/")
    wait_for_charts(page)
    assert page.locator(".kpi-value").count() == len(OVERVIEW.kpis)
    drawn = page.locator(".js-plotly-plot").count()
    assert drawn == sum(1 for c in OVERVIEW.panels if c.kind not in ("table",))
    assert page.locator(".chart-error").count() == 0
    top = page.locator("article", has_text="Top 5 customers")
    assert top.locator("table.data tbody tr").count() == 5
    assert console_errors(page) == []


def test_every_part_is_asked_for_once_and_the_first_screen_before_plotly_js_has_run(page, portal):
    sign_in(page, portal, "/w/overview/?preset=last_30")
    page.wait_for_url("**/w/overview/?preset=last_30")
    wait_for_charts(page)
    timing = page.evaluate(
        """() => ({
          ready: performance.getEntriesByType('navigation')[0].domContentLoadedEventStart,
          parts: performance.getEntriesByType('resource')
            .filter(e => e.name.includes('/w/overview/') && e.name.includes('?'))
            .map(e => [new URL(e.name).pathname, e.startTime]),
          near: [...document.querySelectorAll('[data-chart-src]')]
            .filter(p => p.getBoundingClientRect().top + window.scrollY < window.innerHeight + 200)
            .map(p => new URL(p.dataset.chartSrc, location.href).pathname),
        })"""
    )
    paths = [path for path, _ in timing["parts"]]
    shown = page.locator("[data-chart-src]").count()
    assert len(paths) == len(set(paths)) == shown, paths  # each part once
    # static/js/portal.js runs before plotly.js (defer order) and asks for the first screen's parts at
    # once (the rest follow those: test_browser_drawing.py).
    started = dict(timing["parts"])
    assert timing["near"] and all(started[path] < timing["ready"] for path in timing["near"]), timing


def test_changing_a_filter_reloads_the_charts_and_the_link_reopens_the_same_view(page, browser, portal):
    sign_in(page, portal)
    wait_for_charts(page)
    before = page.locator(".kpi").first.inner_text()
    page.locator("details.multi", has_text="Region").locator("summary").click()
    page.locator("input[name=region]").first.check()
    page.get_by_label("Date range").select_option("last_30")
    page.get_by_role("button", name="Apply").click()
    wait_for_charts(page)
    assert "region=" in page.url and "preset=last_30" in page.url
    chip = page.locator(".chip")
    expect(chip).to_have_count(1)
    after = page.locator(".kpi").first.inner_text()
    assert after != before

    # A colleague opens the same link in another browser and sees the same numbers.
    other = browser.new_context().new_page()
    sign_in(other, portal, next_path=page.url.removeprefix(portal))
    wait_for_charts(other)
    assert other.url == page.url
    assert other.locator(".kpi").first.inner_text() == after
    other.context.close()


def test_a_custom_date_range_typed_into_the_date_fields_is_applied(page, portal):
    sign_in(page, portal)
    wait_for_charts(page)
    page.get_by_label("From", exact=True).fill("2026-02-01")
    page.get_by_label("To", exact=True).fill("2026-02-28")
    page.get_by_label("From", exact=True).dispatch_event("change")
    page.get_by_role("button", name="Apply").click()
    wait_for_charts(page)
    assert "from=2026-02-01" in page.url and "to=2026-02-28" in page.url
    expect(page.locator(".period")).to_contain_text("1 Feb 2026")


def test_a_chart_downloads_as_csv_with_the_rows_it_plots(page, portal):
    sign_in(page, portal)
    wait_for_charts(page)
    panel = page.locator("article", has_text="Churn risk of active customers")
    with page.expect_download() as info:
        panel.get_by_role("link", name="CSV of Churn risk of active customers").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert rows[0] == ["CHURN_RISK", "CUSTOMERS"]
    panel.locator("details.show-data summary").click()  # its rows are made when it is opened
    body = panel.locator("table.data tbody")
    body.locator("tr").first.wait_for()
    shown = body.locator("tr").count()
    assert len(rows) - 1 == shown > 0


def test_the_overview_passes_an_axe_audit_on_desktop_and_phone(page, phone_page, portal):
    for p in (page, phone_page):
        sign_in(p, portal)
        wait_for_charts(p)
        violations = axe_audit(p)
        assert violations == [], format_violations(violations)


def test_the_overview_reads_on_a_phone_without_sideways_scrolling(phone_page, portal):
    sign_in(phone_page, portal)
    wait_for_charts(phone_page)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    phone_page.screenshot(path="var/screenshots/overview-phone.png", full_page=True)


def test_on_a_phone_the_filters_fold_behind_a_button_and_the_figures_come_first(phone_page, page, portal):
    """Eleven filter fields took a phone's first screen and a half: they fold behind a Filters button that
    says how many values are on, the line under it says which, and the KPI row is on the first screen."""
    sign_in(phone_page, portal)
    wait_for_charts(phone_page)
    region = phone_page.locator("input[name=region]").first.get_attribute("value")
    assert region
    phone_page.goto(f"{portal}/w/overview/?region={quote(region)}")
    wait_for_charts(phone_page)
    toggle = phone_page.locator("[data-filters-toggle]")
    form = phone_page.locator("form.filter-bar")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Filters (1 active)")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(form).to_be_hidden()
    expect(phone_page.locator(".active-filters .chip")).to_contain_text(f"Region: {region}")
    first_kpi = phone_page.locator(".kpi").first.bounding_box()
    assert first_kpi is not None and first_kpi["y"] < phone_page.viewport_size["height"]
    toggle.focus()
    phone_page.keyboard.press("Enter")  # the keyboard opens it
    expect(form).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    phone_page.get_by_label("Date range").select_option("last_7")
    with phone_page.expect_navigation():
        form.get_by_role("button", name="Apply").click()
    wait_for_charts(phone_page)
    assert "preset=last_7" in phone_page.url and f"region={quote(region)}" in phone_page.url
    expect(phone_page.locator("form.filter-bar")).to_be_hidden()  # folded again on the new page
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert console_errors(phone_page) == []

    sign_in(page, portal)  # a desktop shows the filters, and no button
    wait_for_charts(page)
    expect(page.locator("form.filter-bar")).to_be_visible()
    expect(page.locator("[data-filters-toggle]")).to_be_hidden()


def test_on_a_small_phone_the_workspace_list_opens_on_the_current_workspace(browser, portal):
    """The workspace list is one row that scrolls sideways on a phone; the current workspace is in view
    (the last one too, not only the first)."""
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        sign_in(phone, portal)
        wait_for_charts(phone)
        links = phone.locator(".sidebar a[href^='/w/']")
        assert links.count() >= 3
        last = links.last.get_attribute("href")
        assert last
        phone.goto(f"{portal}{last}")
        current = phone.locator(".sidebar [aria-current=page]")
        expect(current).to_have_attribute("href", re.compile("^" + re.escape(last.split("?")[0])))
        inside = phone.evaluate(
            """() => { const a = document.querySelector('.sidebar [aria-current=page]').getBoundingClientRect();
                const box = document.querySelector('.sidebar').getBoundingClientRect();
                return a.left >= box.left - 1 && a.right <= box.right + 1; }"""
        )
        assert inside
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_the_filters_and_charts_work_with_the_keyboard_alone(page, portal):
    sign_in(page, portal)
    wait_for_charts(page)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("Date range").focus()
    page.keyboard.press("Home")  # the first preset in the list: the last 7 days
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        if reached[-1] == "Apply":
            break
    assert "Apply" in reached
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_for_charts(page)
    assert "preset=last_7" in page.url
    page.screenshot(path="var/screenshots/overview-desktop.png", full_page=True)


# Tick labels of every drawn plot that are hidden, or that reach past their plot's box (cut off).
TICK_LABELS_NOT_SHOWN = """() => [...document.querySelectorAll('[data-plot].js-plotly-plot')].flatMap(plot => {
    const box = plot.getBoundingClientRect();
    const part = plot.closest('[data-chart-src]').getAttribute('data-chart-src').split('/')[4];
    return [...plot.querySelectorAll('g[class$="tick"] text, g[class$="tick2"] text')]
        .filter(t => t.textContent && (t.style.display === 'none' || (() => { const r = t.getBoundingClientRect();
            return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1; })()))
        .map(t => part + ': ' + t.textContent);
})"""


@pytest.mark.parametrize("width", [1280, 320])
def test_every_tick_label_shows_whole_the_current_month_included(browser, portal, width):
    """Plotly hides a label that would pass its plot's edge (on a monthly axis, the current month's);
    the axes make room for it instead, at a desktop's and a small phone's width."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, portal)
        wait_for_charts(page)
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # draw the plots below the screen
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-plot]')].every(d => d.dataset.drawn === 'true')",
            timeout=30_000,
        )
        labels = page.locator("[data-plot] g[class$='tick'] text").count()
        assert labels > 20
        assert page.evaluate(TICK_LABELS_NOT_SHOWN) == []
    finally:
        context.close()


@pytest.mark.parametrize(("width", "columns"), [(800, 1), (1024, 2)])
def test_beside_the_sidebar_a_window_under_960_px_lays_the_charts_in_one_column(
    browser, portal, width, columns
):
    """Two columns beside the sidebar left an 800 px window's plots about 220 px wide, narrower than a
    phone's; under 960 px the panels take the page's width, one a row."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, portal)
        wait_for_charts(page)
        assert page.locator(".sidebar").is_visible()
        lefts = page.evaluate(
            "() => [...document.querySelectorAll('.grid > article')].map(a => Math.round(a.getBoundingClientRect().left))"
        )
    finally:
        context.close()
    assert len(lefts) >= 3 and len(set(lefts)) == columns, lefts
