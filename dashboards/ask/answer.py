"""Answer a question for a viewer: interpret (offline) or ask Cortex Analyst, then compile and run the
SQL exactly as charts do (the viewer's scope, PII masking, the workspace's filters, the cache)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from accounts.access import Viewer

from ..charts.builders import Figure, build_figure
from ..charts.formatting import fmt_change, fmt_value, json_value, to_float
from ..charts.spec import Chart, Fmt, Kind
from ..filters import load_data_range
from ..queries import compile_sql, scope_of
from ..versioned import per_version
from ..warehouse import client
from ..warehouse.compiler import EVERYTHING, CompileError, Restriction, ScopeError
from ..warehouse.result import Result
from . import sqlgen
from .interpret import Interpreter, Plan, Refusal, screen
from .model import SemanticModel, semantic_model
from .text import tokens
from .timerange import TimeRange
from .values import dimension_values

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: str  # answered, declined, clarify, rejected
    question: str
    answer: str
    interpretation: str = ""
    sql: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    kind: str = ""
    figure: Figure | None = None
    kpi: dict[str, str] = field(default_factory=dict)
    suggestions: tuple[str, ...] = ()
    engine: str = "offline"
    analyst: tuple[dict[str, Any], ...] = ()  # Cortex Analyst's reply content, for the conversation

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "question": self.question,
            "answer": self.answer,
            "interpretation": self.interpretation,
            "sql": self.sql,
            "columns": list(self.columns),
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "chart": self.kind,
            "suggestions": list(self.suggestions),
            "engine": self.engine,
        }


def suggestions(model: SemanticModel, question: str, n: int = 3) -> tuple[str, ...]:
    """The suggested questions closest to `question` (most shared words)."""
    words = set(tokens(question))
    scored = sorted(
        model.verified_queries,
        key=lambda q: (-len(words & set(tokens(q.question))), q.question),
    )
    return tuple(q.question for q in scored[:n])


def _refused(model: SemanticModel, question: str, refusal: Refusal) -> Answer:
    hint = suggestions(model, question) if refusal.status != "rejected" else ()
    return Answer(refusal.status, question, refusal.message, suggestions=hint)


_INTERPRETERS: dict[tuple[int, tuple[tuple[str, tuple[str, ...]], ...]], Interpreter] = {}


def _interpreter(model: SemanticModel, values: dict[str, list[str]]) -> Interpreter:
    """One interpreter per set of values (viewers whose scopes hold the same values share it)."""
    key = (id(model), tuple(sorted((k, tuple(v)) for k, v in values.items())))
    if key not in _INTERPRETERS:
        if len(_INTERPRETERS) > 32:
            _INTERPRETERS.clear()
        _INTERPRETERS[key] = Interpreter(model, values)
    return _INTERPRETERS[key]


def interpreter_for(viewer: Viewer, model: SemanticModel | None = None) -> Interpreter:
    """The interpreter for the values the viewer sees, read once per data version and scope."""
    model = model or semantic_model()
    return per_version(
        f"ask_interpreter:{id(model)}", viewer, lambda: _interpreter(model, dimension_values(model, viewer))
    )


def _run(sql: str, viewer: Viewer, where: Restriction, named: dict[str, Any]) -> tuple[Result, str]:
    named = {"target_hours": settings.SUPPORT_RESOLUTION_TARGET_HOURS, **named}
    query = compile_sql(sql, where=where, scope=scope_of(viewer), named=named)
    return client.run(query, user_tag=viewer.query_tag, snowflake_role=viewer.snowflake_role), query.sql


def plan_query(plan: Plan, model: SemanticModel, base: Restriction, period: TimeRange) -> sqlgen.Query:
    return sqlgen.build(plan, model, base=base, period=period)


def _chart(plan: Plan, result: Result) -> tuple[str, Figure | None]:
    metric = plan.metrics[0]
    y = tuple(m.name.upper() for m in plan.metrics)
    fmt = Fmt(metric.fmt)
    if plan.grain:
        chart = Chart("ask", metric.label, "", Kind.LINE, "", x="PERIOD", y=y, fmt=fmt)
    elif len(plan.group_by) == 2:
        x, series = (d.name.upper() for d in plan.group_by)
        chart = Chart("ask", metric.label, "", Kind.HEATMAP, "", x=x, y=y[:1], series=series, fmt=fmt)
    elif plan.group_by:
        chart = Chart("ask", metric.label, "", Kind.BAR, "", x=plan.group_by[0].name.upper(), y=y, fmt=fmt)
    else:
        return "kpi", None
    return chart.kind.value, build_figure(chart, result)


def _sentence(plan: Plan, result: Result, previous: Result | None) -> str:
    metric = plan.metrics[0]
    col = metric.name.upper()
    fmt = Fmt(metric.fmt)
    where = ""
    if plan.filters:
        where = " for " + ", ".join(f"{', '.join(vals)} {d.label}" for d, vals in plan.filters)
    period = ""
    if plan.time:
        period = (
            f" {'over' if plan.time.phrase in ('all time', 'ever', 'overall') else 'in'} {plan.time.label}"
        )
    if result.empty or (not plan.group_by and not plan.grain and result.records()[0][col] is None):
        return f"There is no data for {metric.label.lower()}{where}{period}."
    records = result.records()
    if not plan.group_by and not plan.grain:
        value = records[0][col]
        text = f"{metric.label}{where}{period} was {fmt_value(value, fmt)}"
        if previous is not None and not previous.empty:
            prev = previous.records()[0][col]
            text += f", {fmt_change(value, prev, fmt)} from {fmt_value(prev, fmt)} in the previous period"
        return text + "."
    if plan.grain:
        values = [(r["PERIOD"], r[col]) for r in records if to_float(r[col]) is not None]
        if not values:
            return f"There is no data for {metric.label.lower()}{where}{period}."
        high = max(values, key=lambda v: float(v[1]))
        low = min(values, key=lambda v: float(v[1]))
        return (
            f"{metric.label}{where} by {plan.grain}{period}: highest {fmt_value(high[1], fmt)} "
            f"({high[0]}), lowest {fmt_value(low[1], fmt)} ({low[0]}), latest {fmt_value(values[-1][1], fmt)}."
        )
    dims = [d.name.upper() for d in plan.group_by]
    first = records[0]
    label = " / ".join(str(first[d]) for d in dims)
    counted = metric.fmt == "int"
    word = ("fewest" if counted else "lowest") if plan.order == "asc" else ("most" if counted else "highest")
    return (
        f"{label} has the {word} {metric.label.lower()}{where}{period} ({fmt_value(first[col], fmt)}), "
        f"of {len(records)} shown."
    )


def ask_offline(
    question: str,
    viewer: Viewer,
    *,
    base: Restriction = EVERYTHING,
    model: SemanticModel | None = None,
) -> Answer:
    model = model or semantic_model()
    refused = screen(question)
    if refused:
        return _refused(model, question, refused)
    data = load_data_range(viewer)
    default = (
        TimeRange(base.date_from, base.date_to, "the workspace's dates")
        if base.date_from and base.date_to
        else TimeRange(data.first_day, data.last_day, "all time")
    )
    plan = interpreter_for(viewer, model).interpret(
        question, first_day=data.first_day, last_day=data.last_day, default_range=default
    )
    if isinstance(plan, Refusal):
        return _refused(model, question, plan)
    assert plan.time is not None
    query = plan_query(plan, model, base, plan.time)
    result, _sql = _run(query.sql, viewer, query.where, {**query.named})
    previous = None
    if plan.compare:
        prev = plan_query(plan, model, base, plan.time.previous())
        previous = _run(prev.sql, viewer, prev.where, {**prev.named})[0]
    kind, figure = _chart(plan, result)
    kpi: dict[str, str] = {}
    columns, rows = result.columns, result.rows
    if kind == "kpi" and not result.empty:
        col = plan.metrics[0].name.upper()
        fmt = Fmt(plan.metrics[0].fmt)
        value = result.records()[0][col]
        kpi = {"value": fmt_value(value, fmt), "label": plan.metrics[0].label}
        if previous is not None and not previous.empty:
            prev = previous.records()[0][col]
            kpi |= {"previous": fmt_value(prev, fmt), "change": fmt_change(value, prev, fmt)}
            columns = (*columns, "PREVIOUS")
            rows = ((*rows[0], prev),)
    return Answer(
        "answered",
        question,
        _sentence(plan, result, previous),
        plan.describe(),
        query.sql,
        columns,
        rows,
        kind,
        figure,
        kpi,
        engine="offline",
    )


def failure(question: str, exc: CompileError | client.WarehouseError) -> Answer:
    """The message for SQL the compiler refuses or the warehouse cannot run (never a 500)."""
    if isinstance(exc, ScopeError):
        return Answer(
            "declined", question, "That data cannot be limited to your data scope, so it is not shown."
        )
    if isinstance(exc, CompileError):
        log.warning("question %r produced SQL the compiler refuses: %s", question, exc)
        return Answer("rejected", question, f"The generated query was refused: {exc}.")
    return Answer("declined", question, f"The warehouse could not answer just now: {exc}")


def uses_cortex() -> bool:
    snowflake = settings.SNOWFLAKE.get("account") or getattr(settings, "CORTEX_ANALYST_URL", "")
    return getattr(settings, "ASK_ENGINE", "offline") == "cortex" and bool(snowflake)


def ask(
    question: str,
    viewer: Viewer,
    *,
    base: Restriction = EVERYTHING,
    conversation: Sequence[dict[str, Any]] = (),
) -> Answer:
    """Answer with the configured engine (settings.ASK_ENGINE); a failing part degrades to a message.

    `conversation` (Cortex only) is the earlier messages of this conversation, see conversation.py.
    """
    model = semantic_model()
    try:
        if uses_cortex():
            from .cortex import ask_cortex

            return ask_cortex(question, viewer, base=base, model=model, conversation=conversation)
        return ask_offline(question, viewer, base=base, model=model)
    except (CompileError, client.WarehouseError) as exc:
        return failure(question, exc)
