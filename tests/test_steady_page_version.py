"""One page, one data version: a chart answered from newer data than the page's makes the page redraw
every chart from that version at once (not at the next poll), so numbers from two versions never stay
side by side."""

import shutil

import pytest
from playwright.sync_api import expect

from dashboards.warehouse import client as warehouse_client
from dashboards.warehouse.demo.append_day import append_day
from tests.test_browser_overview import portal, sign_in, wait_for_charts  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def own_copy(settings, tmp_path, warehouse):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(settings.WAREHOUSE_PATH, copy)
    settings.WAREHOUSE_PATH = copy
    warehouse_client.reset()
    yield copy
    warehouse_client.reset()


def test_a_fragment_says_which_data_version_it_was_drawn_from(signed_in, own_copy):
    before = warehouse_client.data_version()
    first = signed_in.get("/w/overview/chart/kpi_customers/?preset=last_30")
    assert first.status_code == 200
    assert first["X-Data-Version"] == before
    append_day(own_copy)
    after = signed_in.get("/w/overview/chart/kpi_customers/?preset=last_30")
    assert after["X-Data-Version"] == warehouse_client.data_version() != before


def test_a_newer_chart_redraws_the_whole_page_from_its_version(page, portal, settings, own_copy):  # noqa: F811
    settings.FRESHNESS_POLL_SECONDS = 3600  # the poll never fires here: only the chart's answer can tell
    seen: list[tuple[str, str | None]] = []
    page.on(
        "response",
        lambda r: (
            seen.append((r.url, r.headers.get("x-data-version")))
            if any(part in r.url for part in ("/chart/", "/matches/", "/kpis/"))
            else None
        ),
    )
    sign_in(page, portal, "/w/overview/?preset=last_7")
    wait_for_charts(page)
    page_version = page.locator("[data-freshness]").get_attribute("data-version")
    charts = page.locator("[data-chart-src]").count()
    assert charts > 3
    assert {v for _, v in seen} == {page_version}, "the first drawing is all one version"
    page.evaluate("() => { window.__sameDocument = true; }")
    new_day, _ = append_day(own_copy)
    seen.clear()
    # One chart is reloaded (as Retry or a filter change would): it comes from the new data.
    page.evaluate(
        "() => { const c = document.querySelector('[data-chart-src*=\"/chart/\"]'); c.dataset.loaded = 'false';"
        " window.portalCharts.load(c); }"
    )
    expect(page.locator(".data-notice")).to_contain_text(f"as of {new_day.isoformat()}", timeout=20_000)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('[data-chart-src]')].length === {charts}"
        " && [...document.querySelectorAll('[data-chart-src]')].every(e => e.getAttribute('aria-busy') === 'false')"
    )
    new_version = page.locator("[data-freshness]").get_attribute("data-version")
    assert new_version != page_version
    last: dict[str, str | None] = {}
    for url, version in seen:
        last[url] = version
    assert len(last) == charts, "every chart was drawn again"
    assert set(last.values()) == {new_version}, "and every one from the new version"
    assert page.evaluate("() => window.__sameDocument") is True, "no full reload"
