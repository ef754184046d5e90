"""The presets table on Preferences fits at desktop and phone widths: every Delete button is inside
its card and the page does not scroll sideways, even with a long filter string."""

import pytest
from playwright.sync_api import expect

from dashboards.models import SavedPreset
from tests.test_browser_overview import portal, sign_in  # noqa: F401  (portal is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG = "preset=ytd&region=EMEA&persona=Loyal+Advocate&persona=Silent+Majority&channel=Email&grain=month"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_presets_table_keeps_its_delete_buttons_in_view(page, portal, user, width):  # noqa: F811
    SavedPreset.objects.create(owner=user, name="EMEA loyal advocates this year", query=LONG)
    SavedPreset.objects.create(owner=user, name="Q3", query="preset=qtd")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal, "/preferences/")
    buttons = page.get_by_role("button", name="Delete")
    expect(buttons).to_have_count(2)
    card = page.locator("table.preset-table").locator("xpath=ancestor::section[1]")
    box = card.bounding_box()
    assert box is not None
    for i in range(2):
        button = buttons.nth(i).bounding_box()
        assert button is not None
        assert box["x"] <= button["x"] and button["x"] + button["width"] <= box["x"] + box["width"], (
            width,
            i,
        )
        assert button["x"] + button["width"] <= width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scroll"
