"""Downloads. Every export goes through the same access, filters and compiler as the page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from dashboards.charts.service import load_chart
from dashboards.filters import FilterError
from dashboards.views import bad_filter, load_page
from dashboards.warehouse.client import WarehouseError

from .csv import chart_rows, write_csv


@require_GET
def chart_csv(request: HttpRequest, slug: str, chart_id: str) -> HttpResponse:
    try:
        page = load_page(request, slug)
    except FilterError as error:
        return bad_filter(request, error)
    except WarehouseError as error:
        return HttpResponse(f"The warehouse is unavailable: {error}", status=503, content_type="text/plain")
    chart = page.workspace.chart(chart_id)
    if chart is None:
        raise Http404("No such chart")
    if not page.viewer.can_export:
        return HttpResponse("Your role may not export data.", status=403, content_type="text/plain")
    view = load_chart(chart, page.filters, page.viewer)
    if view.error or view.result is None:
        return HttpResponse(view.error, status=503, content_type="text/plain")
    header, rows = chart_rows(view)
    filters = page.filters
    filename = f"{page.workspace.slug}-{chart.id}-{filters.date_from}-{filters.date_to}.csv"
    response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
