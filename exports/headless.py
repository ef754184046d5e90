"""How the portal's own tools start Debian's Chromium headless: the page benchmark (`manage.py bench`)
and the browser tests (tests/fixtures/browser.py)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Headless Chromium builds its own address bar's pop-up, a WebUI page of some 480 files, in each
    # new browser window: 300-400 ms of processor time on the same two cores as the page under
    # measurement (a person's browser has it already). Off, so what is measured and tested is the page.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
]
