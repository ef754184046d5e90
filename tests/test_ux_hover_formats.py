"""Hover text over every chart the portal draws: each trace has a hover template (or none at all),
money and percentages formatted as the chart's axes format them, dates in the axis's format."""

from typing import Any

import pytest

from dashboards.charts.figures.common import HOVER_FORMAT
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.spec import Chart, Fmt, Kind

pytestmark = pytest.mark.django_db

_NO_HOVER = {"indicator"}  # gauges and KPI numbers draw no hover label at all
# Every chart as it is declared, and as each of its other views (Chart.views) draws it.
_CASES = [
    (ws.slug, chart.view(view.slug) if view else chart, f"{chart.id}/{view.slug}" if view else chart.id)
    for ws in WORKSPACES.values()
    for chart in ws.panels
    if chart.kind is not Kind.TABLE
    for view in [None, *chart.views[1:]]
]


def _templates(trace: dict[str, Any]) -> list[str]:
    if trace["type"] == "sankey":
        return [trace["node"]["hovertemplate"], trace["link"]["hovertemplate"]]
    return [trace["hovertemplate"]]


def _formatted(template: str, variable: str, axis: dict[str, Any]) -> bool:
    """`variable` appears in `template` with the axis's hover format and tick prefix."""
    return f"{axis.get('tickprefix', '')}%{{{variable}:{axis['hoverformat']}}}" in template


def _value_axes(chart: Chart, figure: dict[str, Any], trace: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{template variable: the axis that formats it} for the values a trace draws on axes."""
    layout = figure["layout"]
    if chart.kind is Kind.SCATTER3D:
        return {name: layout["scene"][f"{name}axis"] for name in ("x", "y", "z")}
    if chart.kind is Kind.SCATTER:
        return {"x": layout["xaxis"], "y": layout["yaxis"]}
    if chart.kind is Kind.HBAR:
        return {"x": layout["xaxis"]}
    if chart.kind in (Kind.BAR, Kind.LINE, Kind.AREA):
        return {"y": layout["yaxis2" if trace.get("yaxis") == "y2" else "yaxis"]}
    return {}


def _figure(client, slug: str, path: str) -> dict[str, Any] | None:
    response = client.get(f"/w/{slug}/chart/{path}/", {"preset": "all"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200, response.content[:300]
    view = response.context["view"]
    return view.figure if not view.empty else None


@pytest.mark.parametrize(("slug", "chart", "path"), _CASES, ids=[f"{s}.{p}" for s, _, p in _CASES])
def test_every_trace_hovers_as_its_axes_read(signed_in, settings, slug, chart, path):
    figure = _figure(signed_in, slug, path)
    if figure is None:
        pytest.skip("no data for this chart in the test warehouse")
    for trace in figure["data"]:
        if trace["type"] in _NO_HOVER or trace.get("hoverinfo") == "none":
            continue
        for template in _templates(trace):
            assert template.endswith("<extra></extra>"), template
            assert "%{x}, %{y}" not in template, "Plotly's bare default pair"
        template = " ".join(_templates(trace))
        axes = _value_axes(chart, figure, trace)
        for variable, axis in axes.items():
            assert _formatted(template, variable, axis), (variable, axis.get("hoverformat"), template)
            if axis.get("tickprefix"):
                assert f"{axis['tickprefix']}%{{{variable}:" in template
        if not axes:  # donut, treemap, sankey, heatmap, radar: the chart's own value format
            assert f":{HOVER_FORMAT[chart.fmt]}}}" in template, template
            if chart.fmt is Fmt.MONEY:
                assert f"{settings.CURRENCY_SYMBOL}%{{" in template
        x_axis = figure["layout"].get("yaxis" if chart.kind is Kind.HBAR else "xaxis", {})
        if x_axis.get("type") == "date":
            assert f"|{x_axis['hoverformat']}}}" in template, "dates as the axis formats them"


def test_every_kind_with_traces_is_covered():
    kinds = {chart.kind for _, chart, _ in _CASES}
    assert {Kind.HEATMAP, Kind.DONUT, Kind.SCATTER, Kind.SCATTER3D} <= kinds


def test_the_3d_scene_asks_for_few_ticks_on_each_axis():
    from dashboards.charts.builders import build_figure
    from dashboards.charts.segments import SEGMENTS
    from dashboards.warehouse.client import Result

    chart = next(c for c in SEGMENTS.charts if c.id == "rfm").view("3d")
    assert chart is not None and chart.kind is Kind.SCATTER3D
    columns = (chart.x, chart.y[0], chart.z, chart.series, chart.link)
    result = Result(
        columns=columns, rows=((10, 3, 120.5, "High Value", "C1"), (40, 1, 15.0, "Low Value", "C2"))
    )
    scene = build_figure(chart, result)["layout"]["scene"]
    assert {scene[f"{a}axis"]["nticks"] for a in "xyz"} == {5}
