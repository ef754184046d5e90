"""The API's own pages in Chromium: the interactive docs (/api/docs, served by the portal, no CDN) and
the API tokens page, axe-core clean on a desktop and a phone; a token is created from the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import axe_audit, console_errors, format_violations
from tests.test_browser_overview import portal, sign_in  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/api/docs", "/api/tokens/"]


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_api_pages_pass_axe_and_fit(request, portal, device):  # noqa: F811
    page = request.getfixturevalue(device)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    sign_in(page, portal, "/api/tokens/")
    for path in PAGES:
        page.goto(portal + path)
        page.wait_for_load_state("networkidle")
        if path == "/api/docs":
            expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
        violations = axe_audit(page)
        assert violations == [], f"{path}\n{format_violations(violations)}"
        assert console_errors(page) == [], path
        if device == "phone_page":
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, path
    outside = [u for u in seen if not u.startswith(portal) and not u.startswith("data:")]
    assert outside == [], "everything is served by the portal itself"


def test_a_token_is_created_from_the_keyboard_and_shown_once(page, portal):  # noqa: F811
    sign_in(page, portal, "/api/tokens/")
    name = page.get_by_label("Name")
    name.focus()
    page.keyboard.type("notebook")
    page.keyboard.press("Enter")
    box = page.locator("#secret")
    expect(box).to_be_visible()
    secret = box.input_value()
    assert len(secret) >= 20
    page.goto(portal + "/api/tokens/")
    assert secret not in page.content(), "the secret is shown once"
    expect(page.locator(".table-wrap table")).to_contain_text("notebook")
