from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from dashboards.charts.formatting import fmt_cell
from dashboards.charts.spec import Chart
from dashboards.table_rows import rows_html

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    return fmt_cell(value)


@register.filter
def column_label(chart: Chart, column: str) -> str:
    return chart.label(column)


@register.filter
def shown(view: Any) -> tuple[list[str], list[tuple[object, ...]]]:
    """A chart's table as the reader sees it: without the columns the chart declares `hidden`."""
    from ..charts.service import shown as shown_of

    return shown_of(view.chart, view.result)


@register.simple_tag
def data_rows(
    chart: Chart, columns: Sequence[str], rows: Sequence[Sequence[Any]], folded: bool = False
) -> SafeString:
    """The table body's rows (the first 1,000), built in Python: see dashboards/table_rows.py."""
    return rows_html(chart, columns, rows, folded=bool(folded))
