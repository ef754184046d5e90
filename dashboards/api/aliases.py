"""The eight paths of the dashboard we replace, as aliases returning the figure JSON of our charts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from ..charts.registry import WORKSPACES
from ..charts.spec import Kind
from . import schemas as s
from . import service
from .conditional import conditional
from .errors import ERRORS

router = Router(tags=["aliases"])

# alias -> (workspace, chart id, or "" for every KPI card of the workspace)
ALIASES: dict[str, tuple[str, str]] = {
    "kpis": ("overview", ""),
    "customer_segments": ("segments", "value_segments"),
    "monthly_revenue": ("overview", "monthly_revenue"),
    "top_customers": ("overview", "top_customers"),
    "product_category_performance": ("product", "category_revenue_units"),
    "customer_satisfaction": ("overview", "satisfaction_gauge"),
    "churn_risk": ("overview", "churn_risk"),
    "rfm_segmentation": ("segments", "rfm"),
}


def _describe(alias: str) -> str:
    slug, chart_id = ALIASES[alias]
    ws = WORKSPACES[slug]
    if not chart_id:
        names = ", ".join(c.title for c in ws.kpis)
        return f"Alias: the figure JSON of every KPI card of {ws.title} ({names}), keyed by chart id."
    chart = ws.chart(chart_id)
    assert chart is not None, (alias, chart_id)
    return (
        f"Alias: the figure JSON of '{chart.title}' ({ws.title} workspace, chart `{chart.id}`); the same "
        f"as /api/v1/workspaces/{slug}/charts/{chart.id}/figure, keyed by chart id."
    )


def _register(alias: str) -> None:
    slug, chart_id = ALIASES[alias]

    def endpoint(request: HttpRequest, filters: Query[s.FilterQuery]) -> HttpResponse:  # type: ignore[valid-type]
        page = service.page(request, slug)
        charts = (
            [c for c in page.workspace.charts if c.kind is Kind.KPI]
            if not chart_id
            else [service.chart_of(page, chart_id)]
        )

        def produce() -> dict[str, object]:
            views = {c.id: service.chart_view(request, page, c) for c in charts}
            return {
                "chart": chart_id or "kpis",
                "workspace": slug,
                "figures": {cid: v.figure for cid, v in views.items()},
            }

        return conditional(request, page.viewer, s.AliasOut, produce)

    endpoint.__name__ = f"alias_{alias}"
    router.get(
        f"/{alias}",
        response={200: s.AliasOut, 304: None, **ERRORS},
        url_name=f"alias_{alias}",
        summary=alias.replace("_", " ").capitalize(),
        description=_describe(alias),
    )(endpoint)


for _alias in ALIASES:
    _register(_alias)
