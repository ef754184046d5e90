"""/ask/ in Chromium: each chart kind drawn, axe clean, usable by keyboard, fits a 390 px phone.

Screenshots go to $ASK_SCREENSHOTS (default: the test's tmp dir), to be looked at by a person.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fixtures.browser import axe_audit, console_errors, format_violations
from tests.test_ask_cortex import cortex  # noqa: F401  (the Cortex Analyst stand-in)
from tests.test_browser_overview import portal, sign_in  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ANSWERS = {
    "kpi": "average order value vs previous period last 30 days",
    "line": "revenue by month this year",
    "bar": "average csat by ticket category",
    "heatmap": "customers by value segment and region",
    "declined": "what is the weather in Paris",
}
DRAWN = (
    "() => [...document.querySelectorAll('[data-plot]')].every(d => d.classList.contains('js-plotly-plot'))"
)


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ASK_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check(page, base: str, kind: str, question: str, shot: Path) -> None:
    page.goto(f"{base}/ask/?q={quote(question)}")
    page.wait_for_function(DRAWN, timeout=30_000)
    if kind in ("line", "bar", "heatmap"):
        assert page.locator(".js-plotly-plot").count() == 1, kind
    elif kind == "kpi":
        assert page.locator(".ask-kpi .kpi-value").count() == 1
    else:
        assert page.locator(".ask-suggestions").count() >= 1
    violations = axe_audit(page)
    assert violations == [], f"{kind}\n{format_violations(violations)}"
    assert console_errors(page) == [], kind
    page.screenshot(path=str(shot), full_page=True)


def test_each_answer_kind_draws_and_passes_axe_on_a_desktop(page, portal, tmp_path):  # noqa: F811
    sign_in(page, portal)
    for kind, question in ANSWERS.items():
        _check(page, portal, kind, question, _shots(tmp_path) / f"ask-{kind}-desktop.png")


def test_each_answer_kind_fits_a_390_px_phone(browser, portal, tmp_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.console_errors = []  # type: ignore[attr-defined]
    phone.on("console", lambda m: m.type == "error" and phone.console_errors.append(m.text))  # type: ignore[attr-defined]
    try:
        sign_in(phone, portal)
        for kind, question in ANSWERS.items():
            _check(phone, portal, kind, question, _shots(tmp_path) / f"ask-{kind}-phone.png")
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"{kind} is {width}px wide"
    finally:
        context.close()


def test_a_question_is_asked_and_its_sql_opened_by_keyboard_alone(page, portal):  # noqa: F811
    sign_in(page, portal, "/ask/")
    page.goto(f"{portal}/ask/")
    page.locator("#ask-q").focus()
    page.keyboard.type("revenue by region")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ask-sentence")
    summary = page.locator(".ask-sql summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".ask-sql").get_attribute("open") is not None
    assert "FACT_TRANSACTIONS" in page.locator("#ask-sql-text").inner_text()


def test_the_workspace_question_box_opens_ask_with_its_filters(page, portal):  # noqa: F811
    sign_in(page, portal)
    page.goto(f"{portal}/w/overview/?preset=last_30&region=EMEA")
    page.locator("#ask-box-q").fill("revenue by region")
    page.locator("#ask-box-q").press("Enter")
    page.wait_for_selector(".ask-sentence")
    assert "region=EMEA" in page.url and "preset=last_30" in page.url
    cells = page.locator(".ask-answer tbody tr td:first-child").all_inner_texts()
    assert cells == ["EMEA"]


def test_a_cortex_conversation_is_listed_and_started_again(page, portal, cortex, tmp_path):  # noqa: F811
    regions = "SELECT REGION, COUNT(*) AS CUSTOMERS FROM DEMO.ANALYTICS.CUSTOMER_BASE GROUP BY REGION"
    cortex.replies["customers by region"] = [
        {"type": "text", "text": "Customers per region."},
        {"type": "sql", "statement": regions},
    ]
    cortex.replies["only EMEA"] = [
        {"type": "text", "text": "Customers in EMEA."},
        {"type": "sql", "statement": regions + " HAVING REGION = 'EMEA'"},
    ]
    sign_in(page, portal, "/ask/")
    for question in ("customers by region", "only EMEA"):
        page.goto(f"{portal}/ask/?q={quote(question)}")
        page.wait_for_function(DRAWN, timeout=30_000)
    listed = page.locator(".ask-conversation-list li")
    assert listed.all_inner_texts() == ["customers by region", "only EMEA"]
    assert len(cortex.seen[1]["body"]["messages"]) == 3
    violations = axe_audit(page)
    assert violations == [], format_violations(violations)
    page.screenshot(path=str(_shots(tmp_path) / "ask-conversation-desktop.png"), full_page=True)
    page.get_by_role("button", name="New conversation").click()
    page.wait_for_url(f"{portal}/ask/")
    assert page.locator(".ask-conversation-list").count() == 0
    assert console_errors(page) == []


def test_the_answer_chart_is_drawn_once(page, portal) -> None:  # noqa: F811
    from tests.test_campaigns_browser import COUNT_DRAWS

    page.add_init_script(COUNT_DRAWS)
    sign_in(page, portal)
    page.goto(f"{portal}/ask/?q={quote(ANSWERS['bar'])}")
    page.wait_for_load_state("load")
    page.wait_for_function(DRAWN, timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__draws") == 1
