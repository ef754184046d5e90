"""Load one chart for one viewer: compile, run (cached), build the figure and the summary.

A failing warehouse degrades this one chart to an error state with a message; it never raises.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import cached_property

from django.conf import settings

from accounts.access import Viewer

from .. import side_by_side
from ..filters import FILTER_LABELS, Filters
from ..queries import compile_file
from ..warehouse import client
from ..warehouse.compiler import CompileError, ScopeError
from ..warehouse.result import Result
from .builders import Figure, build_figure, is_empty, narrate, summarize
from .crossfilter import with_cross_filter
from .formatting import fmt_change, fmt_value, to_float
from .partial import mark_partial
from .spec import Chart, Kind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kpi:
    value: str
    previous: str
    change: str
    direction: str  # "up", "down" or "flat"
    tone: str  # "good", "bad" or "neutral"


def shown(chart: Chart, result: Result) -> tuple[list[str], list[tuple[object, ...]]]:
    """The columns and rows a reader sees in the table and the CSV (without `hidden` columns)."""
    if not chart.hidden:
        return list(result.columns), [tuple(row) for row in result.rows]
    keep = [i for i, c in enumerate(result.columns) if c not in chart.hidden]
    return [result.columns[i] for i in keep], [tuple(row[i] for i in keep) for row in result.rows]


@dataclass(frozen=True)
class ChartView:
    chart: Chart
    filters: Filters
    result: Result | None = None
    previous: Result | None = None
    figure: Figure | None = None
    summary: str = ""
    ignored: tuple[str, ...] = ()
    error: str = ""
    kpi: Kpi | None = None
    sentences: tuple[str, ...] = ()

    @cached_property
    def shown(self) -> tuple[list[str], list[tuple[object, ...]]]:
        assert self.result is not None
        return shown(self.chart, self.result)

    @property
    def empty(self) -> bool:
        return not self.error and (self.result is None or is_empty(self.chart, self.result))


def named_params(filters: Filters) -> dict[str, object]:
    """The named placeholders every chart may use beside the dates: the time grain and the targets."""
    return {"grain": filters.grain, "target_hours": settings.SUPPORT_RESOLUTION_TARGET_HOURS}


def _run(chart: Chart, filters: Filters, viewer: Viewer) -> tuple[Result, frozenset[str]]:
    query = compile_file(chart.sql, viewer=viewer, where=filters.restriction(), named=named_params(filters))
    result = client.run(query, user_tag=viewer.query_tag, snowflake_role=viewer.snowflake_role)
    return result, query.applied_filters


# A chart that compares runs its previous period beside its current one; _run submits nothing.
_previous_periods = side_by_side.pool("previous-period")


def ignored_filters(filters: Filters, applied: frozenset[str]) -> tuple[str, ...]:
    """Labels of the filters in force that this chart's tables cannot honour."""
    active = ["date"] + [name for name, _ in filters.values]
    return tuple(FILTER_LABELS[name] for name in active if name not in applied)


def _kpi(chart: Chart, result: Result, previous: Result | None) -> Kpi:
    value = result.records()[0][chart.y[0]]
    prev = previous.records()[0][chart.y[0]] if previous and not previous.empty else None
    cur_f, prev_f = to_float(value), to_float(prev)
    change = fmt_change(value, prev, chart.fmt)
    if cur_f is None or prev_f is None or cur_f == prev_f or change == "no change":
        direction = "flat"
    else:
        direction = "up" if cur_f > prev_f else "down"
    tone = (
        "neutral"
        if direction == "flat" or not chart.better
        else ("good" if direction == chart.better else "bad")
    )
    return Kpi(
        fmt_value(value, chart.fmt),
        fmt_value(prev, chart.fmt),
        change,
        direction,
        tone,
    )


def load_chart(chart: Chart, filters: Filters, viewer: Viewer, *, palette: str | None = None) -> ChartView:
    try:
        later = (
            side_by_side.submit(_previous_periods, _run, chart, filters.previous(), viewer)
            if chart.compare
            else None
        )
        result, applied = _run(chart, filters, viewer)
        previous = later.result()[0] if later is not None else None
    except ScopeError:
        log.warning("chart %s cannot be limited to the scope of %s", chart.id, viewer.username)
        return ChartView(
            chart, filters, error="This chart cannot be limited to your data scope, so it is not shown."
        )
    except CompileError:
        log.exception("chart %s does not compile", chart.id)
        return ChartView(chart, filters, error="This chart is misconfigured; the team has been told.")
    except client.WarehouseError as exc:
        return ChartView(chart, filters, error=str(exc))
    view = ChartView(
        chart, filters, result=result, previous=previous, ignored=ignored_filters(filters, applied)
    )
    if view.empty:
        return replace(view, summary=summarize(chart, result))
    if chart.kind is Kind.NARRATIVE:
        sentences = tuple(narrate(chart, result, previous))
        return replace(view, sentences=sentences, summary=" ".join(sentences))
    figure = build_figure(chart, result, previous=previous, **({"palette": palette} if palette else {}))
    view = replace(
        view,
        figure=with_cross_filter(mark_partial(figure, filters), chart) if figure else None,
        summary=summarize(chart, result, previous=previous),
    )
    return replace(view, kpi=_kpi(chart, result, previous)) if chart.kind is Kind.KPI else view
