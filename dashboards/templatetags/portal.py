from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings

from dashboards.charts.formatting import fmt_cell, fmt_value
from dashboards.charts.spec import Chart, Fmt

register = template.Library()

LONG_TEXT = 120


@register.filter
def cell(value: Any) -> str:
    return fmt_cell(value)


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


@register.filter
def is_long(value: Any) -> bool:
    return isinstance(value, str) and len(value) > LONG_TEXT


@register.filter
def column_label(chart: Chart, column: str) -> str:
    return chart.label(column)


@register.filter
def with_columns(row: Sequence[Any], columns: Sequence[str]) -> list[tuple[str, Any]]:
    return list(zip(columns, row, strict=True))


@register.filter
def ticket_url(external_id: Any) -> str:
    return str(settings.HELPDESK_TICKET_URL).format(id=external_id)


@register.filter
def shown(view: Any) -> tuple[list[str], list[tuple[object, ...]]]:
    """A chart's table as the reader sees it: without the columns the chart declares `hidden`."""
    from ..charts.service import shown as shown_of

    return shown_of(view.chart, view.result)


@register.filter
def money(value: Any) -> str:
    """An amount with the currency symbol, as the KPI cards and axes show money."""
    return fmt_value(value, Fmt.MONEY)
