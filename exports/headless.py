"""How the portal starts Debian's Chromium headless: the page benchmark (`manage.py bench`) and the
browser tests (tests/fixtures/browser.py) through Playwright with CHROMIUM_ARGS; kaleido's chart images
through bin/chromium-headless (settings.CHROMIUM_PATH), which adds OWN_UI_OFF, as kaleido takes no flags."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package `chromium`, never a downloaded build

# Headless Chromium builds its own address bar's pop-up, a WebUI page of some 480 chrome:// files, in
# each new browser window: 300-400 ms of processor time on the same two cores as the page being loaded,
# and a renderer of about 45 MB, for a pop-up nothing here shows.
OWN_UI_OFF = "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    OWN_UI_OFF,  # Playwright adds this list to its own --disable-features
]
