"""The first hour of a business user, in Chromium: dropdowns that behave, click to filter, fresh data
noticed while a page is open, the customer search in the top bar, tables across the full row."""

import shutil

import pytest
from playwright.sync_api import expect

from dashboards.warehouse import client as warehouse_client
from dashboards.warehouse.demo.append_day import append_day
from tests.fixtures.browser import axe_audit, console_errors, format_violations
from tests.test_browser_overview import portal, sign_in, wait_for_charts  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_filter_dropdowns_open_one_at_a_time_and_close_on_escape_and_outside_clicks(page, portal):  # noqa: F811
    sign_in(page, portal)
    wait_for_charts(page)
    first, second = page.locator("details.multi summary").nth(0), page.locator("details.multi summary").nth(1)
    first.click()
    assert page.locator("details.multi[open]").count() == 1
    second.click()
    assert page.locator("details.multi[open]").count() == 1, "opening one closes the other"
    expect(page.locator("details.multi").nth(1)).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    assert page.locator("details.multi[open]").count() == 0
    first.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.multi[open]").count() == 1, "the keyboard opens it"
    page.locator("h1").click()
    assert page.locator("details.multi[open]").count() == 0, "an outside click closes it"


def test_clicking_a_donut_slice_adds_its_filter_to_the_url_with_a_chip_to_undo_it(page, portal):  # noqa: F811
    sign_in(page, portal)
    wait_for_charts(page)
    panel = page.locator("article", has_text="Churn risk of active customers")
    expect(panel.locator(".cross-hint")).to_be_visible()
    panel.locator(".pielayer path.surface").first.click(force=True)
    page.wait_for_url("**churn_risk=*")
    wait_for_charts(page)
    chip = page.locator("a.chip", has_text="Churn risk:")
    expect(chip).to_have_count(1)
    chip.click()
    page.wait_for_load_state()
    assert "churn_risk=" not in page.url


def test_new_data_is_announced_and_the_charts_refresh_in_place_with_the_filters_kept(
    page,
    portal,  # noqa: F811
    settings,
    tmp_path,
):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(settings.WAREHOUSE_PATH, copy)
    settings.WAREHOUSE_PATH = copy
    settings.WAREHOUSE_VERSION_CHECK_SECONDS = 0
    settings.FRESHNESS_POLL_SECONDS = 1
    warehouse_client.reset()
    sign_in(page, portal, "/w/overview/?preset=last_7")
    wait_for_charts(page)
    line = page.locator("[data-freshness]")
    expect(line).to_contain_text("Data as of")
    before = line.inner_text()
    page.evaluate("() => { window.__sameDocument = true; }")
    new_day, added = append_day(copy)
    assert added["FACT_CUSTOMER_INTERACTIONS"] > 0
    notice = page.locator(".data-notice")
    expect(notice).to_contain_text(f"as of {new_day.isoformat()}", timeout=20_000)
    expect(line).not_to_have_text(before)
    wait_for_charts(page)
    assert page.evaluate("() => window.__sameDocument") is True, "no full reload"
    assert "preset=last_7" in page.url
    assert page.locator(".chart-error").count() == 0


def test_the_top_bar_finds_a_customer_from_any_page(page, portal):  # noqa: F811
    sign_in(page, portal, "/preferences/")
    page.wait_for_url("**/preferences/")
    page.wait_for_load_state("load")  # customer.js listens for input only once it has run
    box = page.get_by_role("combobox", name="Find a customer")
    box.fill("an")
    expect(page.locator("#top-suggestions [role=option]").first).to_be_visible(timeout=10_000)
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/customers/*/")


def test_tables_take_the_full_row_and_keep_their_first_column_in_view(page, portal):  # noqa: F811
    sign_in(page, portal, "/w/support/?tab=Recent+tickets")
    wait_for_charts(page)
    grid = page.locator("section.grid").bounding_box()
    table_panel = page.locator("article.span-3").first.bounding_box()
    assert table_panel["width"] > grid["width"] * 0.95
    position = page.locator("table.data tbody td:first-child").first.evaluate(
        "e => getComputedStyle(e).position"
    )
    assert position == "sticky"


def test_loading_shows_skeletons_not_words_and_the_pages_pass_axe(page, portal):  # noqa: F811
    sign_in(page, portal)
    html = page.content()
    assert "Loading…</p>" not in html or 'class="sr-only">Loading…' in html
    wait_for_charts(page)
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    assert console_errors(page) == []
