"""The row of key figures comes in one request: the same cards, in the page's order, as the single-KPI
fragments, each with its own error state; bad filters are refused as for any fragment."""

import re

import pytest

from dashboards.charts.registry import WORKSPACES
from dashboards.charts.spec import Kind

pytestmark = pytest.mark.django_db

CARD = re.compile(
    r'<div class="kpi card" data-kpi="([a-z0-9_]+)">(.*?)</div>(?=<div class="kpi card"|$)', re.S
)


@pytest.mark.parametrize("slug", [ws.slug for ws in WORKSPACES.values() if ws.kpis])
def test_the_kpi_row_is_every_kpi_of_the_tab_as_its_own_fragment_draws_it(signed_in, slug):
    query = "preset=last_90&region=EMEA"
    row = signed_in.get(f"/w/{slug}/kpis/?{query}")
    assert row.status_code == 200
    assert row["X-Data-Version"]
    cards = CARD.findall(row.content.decode())
    workspace = WORKSPACES[slug]
    first_tab = next(iter(workspace.tabs), "")
    expected = [c.id for c in workspace.on_tab(first_tab) if c.kind is Kind.KPI]
    assert [chart_id for chart_id, _ in cards] == expected
    for chart_id, content in cards:
        single = signed_in.get(f"/w/{slug}/chart/{chart_id}/?{query}")
        assert single.status_code == 200
        assert content == single.content.decode(), chart_id
        assert 'class="kpi-value"' in content


def test_the_page_asks_for_the_row_once_and_no_kpi_alone(signed_in):
    page = signed_in.get("/w/overview/?preset=last_30").content.decode()
    assert page.count("/w/overview/kpis/?") == 1
    assert not re.search(r'data-chart-src="/w/overview/chart/kpi_', page)


def test_a_bad_filter_on_the_row_is_a_400_naming_it(signed_in):
    response = signed_in.get("/w/overview/kpis/?region=Atlantis")
    assert response.status_code == 400
    assert "region" in response.content.decode().lower()
