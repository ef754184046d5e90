"""How a workspace draws (static/js/portal.js): parts that need no plotly.js (the KPI row, tables)
show as they arrive; plots near the screen are drawn first, the others only once every part has
arrived; printing draws every plot at once."""

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Route

from dashboards.charts.journey import JOURNEY
from dashboards.charts.overview import OVERVIEW
from tests.fixtures.browser import console_errors
from tests.test_browser_overview import portal, sign_in  # noqa: F401 - the fixture is used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PLOTS = sum(1 for c in OVERVIEW.panels if c.kind != "table")
DRAWN = "() => document.querySelectorAll('[data-plot][data-drawn=true]').length"


def test_key_figures_and_tables_show_while_plotly_js_is_missing(page: Page, portal: str) -> None:  # noqa: F811
    page.route("**/vendor/plotly-portal*", lambda route: route.abort())
    sign_in(page, portal)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart-src]')].every(e => e.dataset.loaded === 'true')",
        timeout=30_000,
    )
    assert page.locator(".kpi-value").count() == len(OVERVIEW.kpis)
    assert page.locator(".kpis").get_attribute("data-drawn") == "true"
    top = page.locator("article", has_text="Top 5 customers")
    assert top.locator("table.data tbody tr").count() == 5
    assert top.locator("[data-chart-src]").get_attribute("data-drawn") == "true"
    assert page.evaluate(DRAWN) == 0  # no plotly.js, no plot; the rest of the page is there
    assert page.locator(".chart-error").count() == 0


def test_off_screen_plots_wait_for_every_part_and_printing_draws_them(page: Page, portal: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 500})  # the charts start below the fold
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)  # the match count stays in flight until released below

    page.route("**/w/overview/matches/*", hold)
    sign_in(page, portal)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart-src]')].filter(e => e.dataset.loaded !== 'true')"
        ".length === 1 && window.Plotly !== undefined",
        timeout=30_000,
    )
    page.wait_for_timeout(1500)  # time enough to draw off-screen plots, which must wait for the last part
    assert page.evaluate(DRAWN) == 0

    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function(f"() => ({DRAWN})() === {PLOTS}", timeout=10_000)

    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart-src]')].every(e => e.dataset.drawn === 'true')",
        timeout=30_000,
    )
    assert console_errors(page) == []


def test_with_every_part_in_plots_off_screen_are_drawn_without_scrolling(page: Page, portal: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 500})
    sign_in(page, portal)
    page.wait_for_function(f"() => ({DRAWN})() === {PLOTS}", timeout=30_000)
    assert page.evaluate("() => window.scrollY") == 0


PLOT_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(d => {
  const m = d.layout.margin || {}, s = d._fullLayout._size;
  const title = d.querySelector('.g-xtitle text'), ticks = d.querySelector('.xaxislayer-above');
  const gap = title && ticks && ticks.getBBox().height
    ? title.getBoundingClientRect().top - ticks.getBoundingClientRect().bottom : null;
  return {part: d.closest('[data-chart-src]').dataset.chartSrc.split('/chart/')[1].split('/')[0],
          grew: ['l', 'r', 't', 'b'].filter(side => Math.round(s[side]) > (m[side] || 0)),
          plot: Math.round(s.h), gap: gap === null ? null : Math.round(gap)};
})"""


def _grown(page: Page) -> list[str]:
    """The parts whose plot Plotly drew twice: their margins grew past the layout's."""
    return [box["part"] for box in page.evaluate(PLOT_BOXES) if box["grew"]]


def test_a_second_visit_starts_each_plot_from_the_margins_it_grew_to_and_draws_it_once(
    page: Page,
    portal: str,  # noqa: F811
) -> None:
    sign_in(page, portal)
    all_drawn = f"() => ({DRAWN})() === {PLOTS}"
    page.wait_for_function(all_drawn, timeout=30_000)
    # First visit: the line and bar charts were given the room their labels need (room.py), but one
    # estimate fell short (in this warehouse the monthly revenue's money labels), so Plotly grew its
    # margins there (and drew it twice).
    grown = _grown(page)
    assert grown
    assert not {"sentiment_trend", "sentiment_distribution"} & set(grown), grown
    kept = page.evaluate("() => Object.keys(JSON.parse(localStorage.getItem('portal:margins')))")
    assert len(kept) == PLOTS and all("/w/overview/chart/" in key for key in kept)

    page.reload()
    page.wait_for_function(all_drawn, timeout=30_000)
    assert _grown(page) == []  # every plot started with the room it needs: drawn once

    page.set_viewport_size({"width": 700, "height": 900})  # another width is another entry
    page.reload()
    page.wait_for_function(all_drawn, timeout=30_000)
    more = page.evaluate("() => Object.keys(JSON.parse(localStorage.getItem('portal:margins'))).length")
    assert more > PLOTS
    assert console_errors(page) == []


TIMES = """() => {
  const reach = window.innerHeight + 200;
  const parts = [...document.querySelectorAll('[data-chart-src]')].map(p => ({
    src: new URL(p.dataset.chartSrc, location.href).href, near: p.getBoundingClientRect().top < reach }));
  const timing = Object.fromEntries(performance.getEntriesByType('resource').map(r => [r.name, r]));
  return parts.map(p => ({...p, start: timing[p.src].startTime, end: timing[p.src].responseEnd}));
}"""


def test_parts_below_the_screen_are_asked_for_once_the_first_screen_has_arrived(
    page: Page,
    portal: str,  # noqa: F811
) -> None:
    page.set_viewport_size({"width": 1280, "height": 500})
    sign_in(page, portal)
    page.wait_for_function(f"() => ({DRAWN})() === {PLOTS}", timeout=30_000)
    parts = page.evaluate(TIMES)
    near = [p for p in parts if p["near"]]
    rest = [p for p in parts if not p["near"]]
    assert near and rest
    assert min(p["start"] for p in rest) >= max(p["end"] for p in near) - 1, parts


def test_a_slow_part_on_the_first_screen_does_not_hold_up_the_rest(page: Page, portal: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 500})
    held: list[Route] = []
    page.route("**/w/overview/matches/*", lambda route: held.append(route))
    sign_in(page, portal)
    # Every part below arrives while the match count (on the first screen) is still in flight.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.panel-body[data-chart-src]')].every(e => e.dataset.loaded === 'true')",
        timeout=30_000,
    )
    assert len(held) == 1 and page.locator(".matches").get_attribute("data-loaded") is None
    held[0].continue_()
    page.wait_for_function(f"() => ({DRAWN})() === {PLOTS}", timeout=30_000)
    assert page.locator(".matches").get_attribute("data-loaded") == "true"


@pytest.mark.parametrize("width", [320, 375])
def test_a_right_hand_axis_title_stays_clear_of_the_legend_on_a_phone(
    browser,
    portal: str,  # noqa: F811
    width: int,
) -> None:
    """The segment profile has a right-hand axis and a legend that wraps to three rows on a phone; its
    plot keeps its full height there, so the axis title (longer than a 260 px plot is tall) stays below
    the legend instead of running into it."""
    context = browser.new_context(viewport={"width": width, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, portal, "/w/segments/")
        panel = page.locator('article[aria-labelledby="t-segment_profile"]')
        panel.scroll_into_view_if_needed()
        panel.locator("[data-plot][data-drawn=true]").wait_for(timeout=30_000)
        title = panel.locator(".g-y2title").bounding_box()
        entries = [e.bounding_box() for e in panel.locator(".legend .traces").all()]
        assert title and len(entries) == 3 and all(entries)
        for entry in entries:
            assert entry and not _overlap(entry, title), (entry, title)
        assert panel.locator("[data-plot]").bounding_box()["height"] >= 300  # type: ignore[index]
    finally:
        context.close()


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# An IntersectionObserver that never reports: what a plot waits for when it waits for the observer.
SILENT_OBSERVER = """window.IntersectionObserver = function () {
  return { observe: function () {}, unobserve: function () {}, disconnect: function () {} };
};"""


def test_the_first_screens_plots_are_drawn_without_waiting_for_the_observer(page: Page, portal: str) -> None:  # noqa: F811
    """A part on the first screen draws its plots once they and plotly.js are there; only the parts
    below wait for the observer's report (which comes a frame later), here one that never comes."""
    page.set_viewport_size({"width": 1280, "height": 1100})  # the first row of charts is on it
    page.add_init_script(SILENT_OBSERVER)
    sign_in(page, portal)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart-src]')].every(e => e.dataset.loaded === 'true')",
        timeout=30_000,
    )
    first_screen = page.evaluate(
        "() => [...document.querySelectorAll('[data-plot]')]"
        ".filter(d => d.closest('[data-chart-src]').getBoundingClientRect().top < window.innerHeight + 200).length"
    )
    assert first_screen >= 1
    page.wait_for_function(f"() => ({DRAWN})() >= {first_screen}", timeout=10_000)
    assert page.evaluate(DRAWN) < PLOTS  # the parts below were left to the (silent) observer
    assert console_errors(page) == []


def test_a_phone_draws_plots_without_plotlys_tool_bar_over_them_and_a_desktop_keeps_it_on_hover(
    phone_page: Page,
    page: Page,
    portal: str,  # noqa: F811
) -> None:
    """Without a mouse Plotly shows its tool bar all the time, over a plot's top right corner: the
    legend, the "partial week" label over the latest period, the Sankey's first node. A phone gets
    none (a drag still zooms); a desktop keeps the one that shows while the pointer is on the plot.
    Both on a workspace (portal.js) and on a customer's page (plots.js)."""
    for tab in (phone_page, page):
        sign_in(tab, portal)
        tab.wait_for_function(f"() => ({DRAWN})() === {PLOTS}", timeout=30_000)
    assert phone_page.locator(".modebar").count() == 0
    assert page.locator(".modebar.modebar--hover").count() == PLOTS
    customer = page.locator("table.data a[href^='/customers/']").first.get_attribute("href")
    for tab in (phone_page, page):
        tab.goto(f"{portal}{customer}")
        tab.locator("[data-plot] .main-svg").first.wait_for(timeout=30_000)
    assert phone_page.locator(".modebar").count() == 0
    assert page.locator(".modebar.modebar--hover").count() >= 1
    assert console_errors(phone_page) == [] and console_errors(page) == []


def _drawn_panel(tab: Page, portal: str, slug: str, chart_id: str) -> Locator:  # noqa: F811
    """The panel of `chart_id` on workspace `slug`, signed in, scrolled to and its plot drawn."""
    sign_in(tab, portal, f"/w/{slug}/")
    panel = tab.locator(f'article[aria-labelledby="t-{chart_id}"]')
    panel.scroll_into_view_if_needed()
    panel.locator("[data-plot][data-drawn=true]").wait_for(timeout=30_000)
    return panel


def _heatmap(tab: Page, portal: str) -> dict:  # noqa: F811
    panel = _drawn_panel(tab, portal, "sentiment", "sentiment_by_type_channel")
    return panel.evaluate(
        """panel => {
          const plot = panel.querySelector('div[data-plot]');
          const box = e => { const r = e.getBoundingClientRect(); return {width: r.width, height: r.height}; };
          return {
            rows: JSON.parse(panel.querySelector('script[type="application/json"]').textContent).data[0].y.length,
            labels: [...plot.querySelectorAll('.yaxislayer-above .ytick text')].filter(t => t.textContent).length,
            bar: box(plot.querySelector('.colorbar')),
            cells: box(plot.querySelector('.heatmaplayer')),
            plot: box(plot),
          };
        }"""
    )


def test_a_heatmap_on_a_phone_lays_its_colour_bar_across_and_labels_every_row(
    phone_page: Page,
    page: Page,
    portal: str,  # noqa: F811
) -> None:
    """On a 375 px phone a heatmap's colour bar would take 84 of its 330 px; it lies across above the
    cells instead, and the plot is taller there, so every row keeps its label. A desktop keeps the
    upright bar on the right."""
    phone, desktop = _heatmap(phone_page, portal), _heatmap(page, portal)
    assert phone["bar"]["width"] > 2 * phone["bar"]["height"]
    assert phone["labels"] == phone["rows"] >= 2
    assert phone["cells"]["width"] >= 0.4 * phone["plot"]["width"]
    assert desktop["bar"]["height"] > 2 * desktop["bar"]["width"]
    assert desktop["labels"] == desktop["rows"]
    assert console_errors(phone_page) == [] and console_errors(page) == []


def _flow_labels(tab: Page, portal: str) -> list[dict]:  # noqa: F811
    panel = _drawn_panel(tab, portal, "journey", "channel_paths")
    return panel.evaluate(
        """panel => [...panel.querySelectorAll('.sankey .node-label')].filter(t => t.textContent).map(t => {
          const r = t.getBoundingClientRect();
          return {text: t.textContent, x: r.x, y: r.y, width: r.width, height: r.height};
        })"""
    )


def test_a_three_step_flow_on_a_phone_labels_its_nodes_without_the_step_and_no_two_labels_meet(
    phone_page: Page,
    page: Page,
    portal: str,  # noqa: F811
) -> None:
    """Channel paths has three columns; between the second and the third the labels come from both
    sides. On a 375 px phone the nodes read "web", not "web (2nd)" (the column says which step), and
    no two labels overlap; a desktop keeps the full names."""
    phone, desktop = _flow_labels(phone_page, portal), _flow_labels(page, portal)
    assert phone and all("(" not in label["text"] for label in phone)
    for i, a in enumerate(phone):
        for b in phone[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    assert desktop and all(label["text"].endswith(("(1st)", "(2nd)", "(3rd)")) for label in desktop)
    assert console_errors(phone_page) == [] and console_errors(page) == []


def _funnel_ticks(tab: Page, portal: str) -> list[dict]:  # noqa: F811
    panel = _drawn_panel(tab, portal, "journey", "lifecycle_funnel")
    return panel.evaluate(
        """panel => [...panel.querySelectorAll('g.xtick text')].filter(t => t.textContent).map(t => ({
          text: t.textContent, slanted: (t.getAttribute('transform') || '').includes('rotate'),
        }))"""
    )


def test_horizontal_bars_on_a_small_phone_keep_their_value_labels_level(browser, portal: str) -> None:  # noqa: F811
    """A funnel's bars leave their values about 100 px beside the stage names on a 320 px phone, where
    Plotly slanted four or five labels ("2,000", "4,000"); three at most there, counts as "2k", read
    level (static/js/plots.js fit, as on any plot narrower than 520 px)."""
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    phone.on("console", on_console)
    try:
        ticks = _funnel_ticks(phone, portal)
    finally:
        context.close()
    assert errors == []
    assert 2 <= len(ticks) <= 3
    assert not any(t["slanted"] for t in ticks), ticks
    assert not any("," in t["text"] for t in ticks), ticks


def test_on_a_small_phone_a_flow_leaves_its_last_column_unlabelled_so_no_two_labels_meet(
    browser,
    portal: str,  # noqa: F811
) -> None:
    """At 320 px even "mobile_app" from the second column meets "mobile_app" from the third: the last
    column's labels are left out there (its nodes keep the colours of the names to their left, and the
    hover names each node); the other columns keep theirs."""
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        labels = _flow_labels(phone, portal)
        ends = phone.evaluate(
            "() => document.querySelector('article[aria-labelledby=\"t-channel_paths\"] .js-plotly-plot')"
            ".data[0].meta.ends"
        )
    finally:
        context.close()
    assert True in ends and False in ends
    assert len(labels) == ends.count(False)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a, b), (a, b)


@pytest.mark.parametrize("width", [375, 1280])
def test_journey_plots_get_their_room_at_once_keep_a_plot_and_title_their_axis_closely(
    page: Page,
    portal: str,  # noqa: F811
    width: int,
) -> None:
    """The persona bars' legend wraps to one name a row on a phone and their names slant below: the
    plot box grows instead of leaving the bars a sliver (static/js/plots.js), the margins are right
    from the start (room.py, with a one-column card's in layout.meta.narrow_margin), and each x-axis
    title sits just under its tick labels, slanted or level."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal, "/w/journey/")
    page.wait_for_url("**/w/journey/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart-src]')].every(e => e.dataset.drawn === 'true')",
        timeout=30_000,
    )
    boxes = {box["part"]: box for box in page.evaluate(PLOT_BOXES)}
    assert set(boxes) == {c.id for c in JOURNEY.panels if c.kind != "table"}
    assert [box for box in boxes.values() if box["grew"]] == []
    assert all(box["plot"] >= 150 for box in boxes.values()), boxes
    gaps = [box["gap"] for box in boxes.values() if box["gap"] is not None]
    assert gaps and all(0 <= gap <= 12 for gap in gaps), boxes
    assert console_errors(page) == []
