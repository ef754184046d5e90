"""The verified queries' SQL for Cortex Analyst: each suggested question as the offline engine answers it.

The SQL is the compiled query (dates of the warehouse as of the refresh, no data scope) with its bound
values written in as literals, so that Snowflake can run it as it stands. `manage.py ask_sample_values
--verified-queries` writes it into the semantic model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlglot
from django.conf import settings
from sqlglot import exp

from accounts.access import Viewer

from ..filters import load_data_range
from ..warehouse.compiler import EVERYTHING, UNRESTRICTED, compile_query
from .answer import interpreter_for, plan_query
from .interpret import Plan
from .model import SemanticModel
from .timerange import TimeRange


def _literal(value: Any) -> exp.Expression:
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP_NTZ")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def standalone_sql(question: str, model: SemanticModel, viewer: Viewer) -> str:
    """The question's SQL with every value written in, for a verified query (raises if it is not answered)."""
    data = load_data_range(viewer)
    plan = interpreter_for(viewer, model).interpret(
        question,
        first_day=data.first_day,
        last_day=data.last_day,
        default_range=TimeRange(data.first_day, data.last_day, "all time"),
    )
    if not isinstance(plan, Plan) or plan.time is None:
        raise ValueError(f"the offline engine does not answer {question!r}: {plan}")
    query = plan_query(plan, model, EVERYTHING, plan.time)
    named = {"target_hours": settings.SUPPORT_RESOLUTION_TARGET_HOURS, **query.named}
    compiled = compile_query(query.sql, where=query.where, scope=UNRESTRICTED, named=named)
    tree = sqlglot.parse_one(compiled.sql, read="snowflake")
    for placeholder in list(tree.find_all(exp.Placeholder)):
        placeholder.replace(_literal(compiled.params[int(placeholder.name) - 1]))
    return tree.sql(dialect="snowflake", pretty=True)
