"""What the API answers, as pydantic schemas (they are the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, create_model

from ..filters import FILTERS
from .errors import Error

__all__ = ["Error"]


class ChartMeta(Schema):
    id: str
    title: str
    kind: str
    description: str
    tab: str
    compares_previous_period: bool
    honours: list[str] = Field(description="Filter parameters; a chart's tables may not honour all of them.")
    data_url: str
    figure_url: str


class WorkspaceOut(Schema):
    slug: str
    title: str
    description: str
    tabs: list[str]
    charts: list[ChartMeta]


class Column(Schema):
    name: str
    type: str = Field(description="integer, number, string, boolean, date, datetime or null")


class View(Schema):
    workspace: str
    chart: str
    query: str = Field(description="The canonical query string of the view (dates resolved).")
    date_from: dt.date
    date_to: dt.date
    ignored_filters: list[str]


class ChartData(View):
    columns: list[Column]
    rows: list[dict[str, Any]]
    previous_rows: list[dict[str, Any]] | None = Field(None, description="The previous period, if compared.")
    summary: str


class FigureOut(View):
    figure: dict[str, Any] | None = Field(description="Plotly figure JSON; null when the result is empty.")
    empty: bool
    summary: str


class KpiOut(Schema):
    id: str
    title: str
    value: Any = None
    previous: Any = None
    change: float | None = Field(None, description="(value - previous) / |previous|; null if undefined.")
    value_text: str
    previous_text: str
    change_text: str
    direction: str
    tone: str
    error: str = ""


class KpisOut(Schema):
    workspace: str
    query: str
    date_from: dt.date
    date_to: dt.date
    previous_from: dt.date
    previous_to: dt.date
    kpis: list[KpiOut]


class OptionsOut(Schema):
    options: dict[str, list[str]]
    labels: dict[str, str]
    presets: dict[str, str]
    grains: dict[str, str]
    first_day: dt.date
    last_day: dt.date


class MatchesOut(Schema):
    query: str
    counts: dict[str, Any]


class CustomerHit(Schema):
    customer_id: str
    name: str | None = Field(None, description="Null for roles without PII.")
    email: str | None = None
    fields: dict[str, Any]


class Panel(Schema):
    id: str
    title: str
    figure: dict[str, Any] | None
    summary: str


class CustomerOut(Schema):
    customer_id: str
    profile: dict[str, Any]
    counts: dict[str, int]
    events: list[dict[str, Any]]
    panels: list[Panel]


class PresetOut(Schema):
    id: int
    name: str
    query: str
    shared: bool


class PresetIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    query: str = Field(
        "", max_length=2000, description="The filters as a query string, e.g. preset=ytd&region=EMEA."
    )


class AliasOut(Schema):
    chart: str
    workspace: str
    figures: dict[str, dict[str, Any] | None]


def _filter_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        "date_from": (str | None, Field(None, alias="from", description="YYYY-MM-DD (with preset=custom)")),
        "date_to": (str | None, Field(None, alias="to", description="YYYY-MM-DD (with preset=custom)")),
        "preset": (str | None, Field(None, description="last_7, last_30, last_90, qtd, ytd, all or custom")),
        "grain": (str | None, Field(None, description="hour, day, week or month")),
        "tab": (str | None, Field(None, description="A tab of the workspace")),
    }
    for f in FILTERS:
        fields[f.param] = (
            list[str] | None,
            Field(None, description=f"{f.label}: values from the options endpoint"),
        )
    return fields


# The page URL's parameters, declared for the documentation; they are validated by dashboards.filters.
FilterQuery = create_model("FilterQuery", __base__=Schema, **_filter_fields())
