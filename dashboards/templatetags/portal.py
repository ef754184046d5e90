from decimal import Decimal
from typing import Any

from django import template

from dashboards.charts.formatting import fmt_cell
from dashboards.charts.spec import Chart

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    return fmt_cell(value)


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


@register.filter
def column_label(chart: Chart, column: str) -> str:
    return chart.label(column)
