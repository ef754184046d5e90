"""A long paged table (the Segment explorer, 20 rows a page) arrives with its first page live and the
rest inert in a <template>: the page shows the same rows, pages and sorts as over every row the
server sent, and the rows beyond the first page join the table only on the first Next or sort."""

import math
import re
from html.parser import HTMLParser

import pytest
from playwright.sync_api import Page

from tests.fixtures.browser import console_errors
from tests.test_browser_overview import portal, sign_in  # noqa: F401 - the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EXPLORER = "[data-chart-src*='/chart/explorer/']"
SIZE = 20  # the explorer's page_size


class Rows(HTMLParser):
    """Every body row of the fragment's table, in order: (first cell's text, LIFETIME_VALUE's data-value)."""

    def __init__(self, ltv_column: int) -> None:
        super().__init__(convert_charrefs=True)
        self.ltv_column = ltv_column
        self.rows: list[list[str]] = []
        self.values: list[float] = []
        self._cell = -1
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
            self._cell = -1
        elif tag == "td" and self._in_body:
            self._cell += 1
            self.rows[-1].append("")
            if self._cell == self.ltv_column:
                self.values.append(float(dict(attrs)["data-value"]))

    def handle_data(self, data):
        if self._in_body and self.rows and self._cell >= 0 and len(self.rows[-1]) == self._cell + 1:
            self.rows[-1][self._cell] += data


def _visible_first_cells(page: Page) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].filter(r => !r.hidden).map(r => r.cells[0].textContent.trim())",
        f"{EXPLORER} table.data tbody tr",
    )


def _visible_values(page: Page, column: int) -> list[float]:
    return page.evaluate(
        "([sel, i]) => [...document.querySelectorAll(sel)].filter(r => !r.hidden)"
        ".map(r => parseFloat(r.cells[i].dataset.value))",
        [f"{EXPLORER} table.data tbody tr", column],
    )


def test_the_explorer_pages_and_sorts_over_every_row_it_was_sent(page: Page, portal: str) -> None:  # noqa: F811
    sign_in(page, portal, "/w/segments/")
    table = page.locator(f"{EXPLORER} table.data")
    table.wait_for(timeout=60_000)
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    ltv = next(i for i, h in enumerate(headers) if re.search("lifetime value", h, re.I))

    # What the server sent (read apart from the page's script): every row, in order.
    src = page.locator(EXPLORER).get_attribute("data-chart-src")
    sent = Rows(ltv)
    sent.feed(page.request.get(f"{portal}{src}").text())
    total = len(sent.rows)
    assert total > 3 * SIZE, "the test warehouse gives the explorer several pages"
    pages = math.ceil(total / SIZE)
    names = [row[0].strip() for row in sent.rows]

    pager = page.locator(f"{EXPLORER} .pager span")
    assert pager.inner_text() == f"Page 1 of {pages} ({total} rows)"
    assert _visible_first_cells(page) == names[:SIZE]
    # Only the first page is live in the document; the rest wait inert.
    assert table.locator("tbody tr").count() == SIZE
    assert (
        page.evaluate(
            "(sel) => document.querySelector(sel).content.children.length",
            f"{EXPLORER} template[data-more-rows]",
        )
        == total - SIZE
    )

    # Next, with the keyboard, twice: the third page (a stale page number once held Next at page 2).
    following = page.locator(f"{EXPLORER} .pager").get_by_role("button", name="Next")
    following.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert pager.inner_text() == f"Page 3 of {pages} ({total} rows)"
    assert _visible_first_cells(page) == names[2 * SIZE : 3 * SIZE]
    assert table.locator("tbody tr").count() == total
    page.locator(f"{EXPLORER} .pager").get_by_role("button", name="Previous").click()
    assert _visible_first_cells(page) == names[SIZE : 2 * SIZE]

    # Sorting by lifetime value orders every row sent, and goes back to the first page.
    header = table.locator("thead th").nth(ltv).get_by_role("button")
    header.click()
    assert pager.inner_text() == f"Page 1 of {pages} ({total} rows)"
    assert _visible_values(page, ltv) == sorted(sent.values)[:SIZE]
    header.click()
    assert _visible_values(page, ltv) == sorted(sent.values, reverse=True)[:SIZE]
    assert console_errors(page) == []


def test_a_sort_before_any_paging_brings_in_every_row(page: Page, portal: str) -> None:  # noqa: F811
    sign_in(page, portal, "/w/segments/")
    table = page.locator(f"{EXPLORER} table.data")
    table.wait_for(timeout=60_000)
    counted = re.search(r"\((\d+) rows\)", page.locator(f"{EXPLORER} .pager span").inner_text())
    assert counted is not None
    total = int(counted.group(1))
    table.locator("thead th").first.get_by_role("button").click()
    assert table.locator("tbody tr").count() == total
    assert page.locator(f"{EXPLORER} template[data-more-rows]").count() == 0
    assert table.locator("tbody tr:not([hidden])").count() == SIZE


def test_show_data_under_a_chart_shows_its_rows_when_opened_and_not_before(page: Page, portal: str) -> None:  # noqa: F811
    """A chart's "Show data" arrives with its rows as text (no elements while closed); opening it, by
    mouse or keyboard, shows every row the server sent, which a CSV download holds too."""
    sign_in(page, portal, "/w/sentiment/")
    part = page.locator("[data-chart-src*='/chart/volatility_vs_trend/']")
    part.scroll_into_view_if_needed()
    part.locator("[data-plot][data-drawn=true]").wait_for(timeout=30_000)
    body = part.locator("details.show-data table.data tbody")
    assert body.locator("tr").count() == 0
    sent = part.evaluate(
        "p => (p.querySelector('script[data-folded-rows]').textContent.match(/<tr>/g) || []).length"
    )
    assert sent > 100
    summary = part.locator("details.show-data summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "p => p.querySelectorAll('details.show-data tbody tr').length > 0", arg=part.element_handle()
    )
    assert body.locator("tr").count() == sent
    assert part.locator("script[data-folded-rows]").count() == 0
    first_id = body.locator("tr").first.locator("td").first.inner_text()
    assert re.fullmatch(r"[A-Z0-9-]+", first_id), first_id  # a customer id, drawn as text
    summary.click()  # closed and opened again: the same rows, once
    summary.click()
    assert body.locator("tr").count() == sent
    assert console_errors(page) == []
