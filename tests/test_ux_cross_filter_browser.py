"""Click to filter in place, in Chromium: a bar adds its filter to the URL (history.pushState), the
charts reload without a page load, the chip undoes it, and the keyboard can do the same."""

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.browser import console_errors
from tests.test_browser_overview import portal, sign_in, wait_for_charts  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PERSONAS = "article[aria-labelledby='t-persona_distribution']"
SEGMENTS = "article[aria-labelledby='t-value_segments']"


def _trace(page: Page, article: str, attribute: str) -> list:
    """The values the drawn figure of `article` holds for `attribute` (its first trace)."""
    return page.evaluate(
        "([sel, attr]) => Array.from(document.querySelector(sel + ' .js-plotly-plot').data[0][attr])",
        [article, attribute],
    )


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_clicking_a_bar_filters_the_charts_in_place_and_the_chip_undoes_it(page, portal):  # noqa: F811
    sign_in(page, portal, "/w/segments/")
    wait_for_charts(page)
    personas, counts = _trace(page, PERSONAS, "y"), _trace(page, PERSONAS, "x")
    assert len(personas) > 1, "the demo data has several personas"
    by_persona = dict(zip(personas, counts, strict=True))
    page.evaluate("() => { window.__sameDocument = 'marker'; }")
    expect(page.locator(f"{PERSONAS} .cross-hint")).to_be_visible()

    page.locator(f"{PERSONAS} .bars path").first.click(force=True)
    page.wait_for_function("() => location.search.includes('persona=')")
    wait_for_charts(page)
    clicked = _params(page)["persona"]
    assert len(clicked) == 1 and clicked[0] in by_persona
    assert page.evaluate("() => window.__sameDocument") == "marker", "the page was not reloaded"

    chip = page.locator("a.chip", has_text="Persona:")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(clicked[0])
    expect(
        page.locator("details.multi", has_text="Persona").locator(f"input[value='{clicked[0]}']")
    ).to_be_checked()
    # The charts reflect the filter: one persona left, with its own count; the value segments of
    # the same customers add up to that count (each customer has one value segment).
    assert _trace(page, PERSONAS, "y") == [clicked[0]]
    assert _trace(page, PERSONAS, "x") == [by_persona[clicked[0]]]
    assert sum(_trace(page, SEGMENTS, "values")) == by_persona[clicked[0]]
    assert "persona=" in page.locator(f"{PERSONAS} a.download").get_attribute("href"), "links follow"

    chip.click()
    page.wait_for_function("() => !location.search.includes('persona=')")
    wait_for_charts(page)
    assert page.evaluate("() => window.__sameDocument") == "marker"
    expect(page.locator("a.chip", has_text="Persona:")).to_have_count(0)
    assert sorted(_trace(page, PERSONAS, "y")) == sorted(personas)

    page.go_back()  # back to the filtered view, still in place
    page.wait_for_function("() => location.search.includes('persona=')")
    wait_for_charts(page)
    expect(page.locator("a.chip", has_text="Persona:")).to_have_count(1)
    assert page.evaluate("() => window.__sameDocument") == "marker"
    assert console_errors(page) == []


def test_the_keyboard_filters_by_a_chart_value_too(page, portal):  # noqa: F811
    sign_in(page, portal, "/w/segments/")
    wait_for_charts(page)
    segments = _trace(page, SEGMENTS, "labels")
    keys = page.locator(f"{SEGMENTS} .cross-keys")
    keys.locator("summary").focus()
    expect(keys.locator("summary")).to_be_visible()
    page.keyboard.press("Enter")
    button = keys.get_by_role("button", name=f"Value segment: {segments[0]}")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('value_segment=')")
    wait_for_charts(page)
    assert _params(page)["value_segment"] == [segments[0]]
    assert _trace(page, SEGMENTS, "labels") == [segments[0]]
