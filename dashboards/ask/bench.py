"""Figures for `manage.py bench`: question to SQL, and question to answer cold and cached."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

from django.core.cache import cache

from accounts.access import Viewer

from ..filters import load_data_range
from ..warehouse.compiler import EVERYTHING
from .answer import ask, interpreter_for, plan_query
from .interpret import Plan
from .model import semantic_model

QUESTIONS = 10


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def bench_lines(repeat: int) -> Iterator[str]:
    model = semantic_model()
    viewer = Viewer(username="bench")
    data = load_data_range(viewer)
    interpreter = interpreter_for(viewer, model)  # the dimension values, read once (cached like charts)
    questions = [q.question for q in model.verified_queries][:QUESTIONS]
    yield f"Ask a question ({len(questions)} suggested questions, median of {repeat}):"
    yield f"  {'question':<52}{'to SQL':>12}{'cold':>12}{'cached':>12}"
    for question in questions:
        to_sql, cold, warm = [], [], []
        for _ in range(repeat):
            start = time.perf_counter()
            plan = interpreter.interpret(question, first_day=data.first_day, last_day=data.last_day)
            if isinstance(plan, Plan) and plan.time is not None:
                plan_query(plan, model, EVERYTHING, plan.time)
            to_sql.append(time.perf_counter() - start)
            cache.clear()
            start = time.perf_counter()
            ask(question, viewer)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            ask(question, viewer)
            warm.append(time.perf_counter() - start)
        yield (
            f"  {question[:50]:<52}{_ms(statistics.median(to_sql)):>12}"
            f"{_ms(statistics.median(cold)):>12}{_ms(statistics.median(warm)):>12}"
        )
    yield "  goals: to SQL <= 50 ms; answer <= 1 s cold, <= 100 ms cached"
    yield ""
