"""Self-test of the browser harness (tests/fixtures/browser.py) on static pages: no portal needed."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.fixtures.browser import axe_audit, console_errors, format_violations

pytestmark = pytest.mark.browser


def html(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Harness check</title>{head}</head><body><main>{body}</main></body></html>"
    )


CLEAN = html(
    "<h1>Revenue</h1><p>Monthly revenue by region.</p>"
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A flat line">'
    '<form><label for="q">Search</label><input id="q" name="q" type="text">'
    "<button type=submit>Go</button></form>"
)


def test_clean_page_has_no_blocking_violations(page: Page) -> None:
    page.set_content(CLEAN)
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    assert console_errors(page) == []


def test_image_without_alt_is_reported(page: Page) -> None:
    page.set_content(html('<h1>Chart</h1><img id="chart" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'))
    violations = axe_audit(page)
    by_id = {v["id"]: v for v in violations}
    assert "image-alt" in by_id, format_violations(violations)
    assert by_id["image-alt"]["impact"] in ("serious", "critical")
    assert by_id["image-alt"]["targets"] == ["#chart"]
    assert by_id["image-alt"]["help"]


def test_input_without_label_is_reported(page: Page) -> None:
    page.set_content(html('<h1>Filters</h1><form><input id="region" type="text"></form>'))
    violations = axe_audit(page)
    assert [v["id"] for v in violations] == ["label"], format_violations(violations)
    assert violations[0]["targets"] == ["#region"]


def test_audit_works_under_a_strict_content_security_policy(page: Page) -> None:
    csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'\">"
    page.set_content(html("<h1>Locked down</h1><img src='x.png'>", head=csp))
    assert [v["id"] for v in axe_audit(page)] == ["image-alt"]


def test_audit_can_run_twice_on_the_same_page(page: Page) -> None:
    page.set_content(CLEAN)
    assert axe_audit(page) == []
    page.evaluate("document.querySelector('img').removeAttribute('alt')")
    assert [v["id"] for v in axe_audit(page)] == ["image-alt"]


def test_format_violations_names_rule_impact_and_target(page: Page) -> None:
    page.set_content(html('<h1>Chart</h1><img id="chart" src="x.png">'))
    message = format_violations(axe_audit(page))
    assert "image-alt" in message
    assert "#chart" in message
    assert "critical" in message
    assert format_violations([]) == "no serious or critical accessibility violations"


def test_console_errors_and_uncaught_exceptions_are_recorded(page: Page) -> None:
    page.set_content(
        html(
            "<h1>Errors</h1><script>console.error('boom'); console.log('fine');</script>"
            "<script>throw new Error('kaboom')</script>"
        )
    )
    page.evaluate("1")  # let the console events reach the test process
    errors = console_errors(page)
    assert errors is page.console_errors  # type: ignore[attr-defined]
    assert len(errors) == 2, errors
    assert "boom" in errors[0]
    assert "kaboom" in errors[1]


def test_desktop_viewport(page: Page) -> None:
    page.set_content(CLEAN)
    assert page.viewport_size == {"width": 1280, "height": 900}
    assert page.evaluate("window.innerWidth") == 1280


def test_phone_viewport_is_375_wide_and_mobile(phone_page: Page) -> None:
    phone_page.set_content(html("<h1>Phone</h1>", head='<meta name="viewport" content="width=device-width">'))
    assert phone_page.viewport_size == {"width": 375, "height": 812}
    assert phone_page.evaluate("window.innerWidth") == 375
    assert phone_page.evaluate("matchMedia('(pointer: coarse)').matches") is True
    assert console_errors(phone_page) == []


def test_each_test_gets_a_fresh_context(page: Page) -> None:
    # Nothing stored by another test's page can leak in: a new context has empty storage.
    page.goto("about:blank")
    assert page.context.cookies() == []
    assert len(page.context.pages) == 1


@pytest.fixture
def http_page_url() -> Iterator[str]:
    """A page served over HTTP by a throw-away server: a navigation Chromium shows in its address bar."""
    body = html("<h1>Served</h1>").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_headless_chromium_loads_no_browser_ui_of_its_own(browser: Browser, http_page_url: str) -> None:
    """Without exports.headless's --disable-features, each new window of headless Chromium builds its
    address bar's pop-up (some 480 chrome:// files) while the page loads, and the page benchmark and
    these tests measure that too."""
    loaded: list[list[str]] = []
    for _ in range(2):  # the pop-up came with the second window of a browser, as in the benchmark
        context = browser.new_context()
        first = context.new_page()
        first.goto(http_page_url)
        first.close()
        page = context.new_page()
        browser.start_tracing(page=page, categories=["devtools.timeline"])
        page.goto(http_page_url)
        page.wait_for_timeout(1500)
        events = json.loads(browser.stop_tracing())["traceEvents"]
        context.close()
        loaded.append(
            [
                event["args"]["data"]["url"]
                for event in events
                if event.get("name") == "ResourceSendRequest"
                and not event["args"]["data"]["url"].startswith(http_page_url)
            ]
        )
    assert loaded == [[], []], [urls[:5] for urls in loaded]
