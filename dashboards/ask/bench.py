"""Figures for `manage.py bench`: question to SQL, and question to answer cold and cached."""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Iterator
from typing import Any

from django.core.cache import cache

from accounts.access import Viewer

from .. import versioned
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
    all_cold, all_warm = [], []
    for question in questions:
        to_sql, cold, warm = [], [], []
        for _ in range(repeat):
            start = time.perf_counter()
            plan = interpreter.interpret(question, first_day=data.first_day, last_day=data.last_day)
            if isinstance(plan, Plan) and plan.time is not None:
                plan_query(plan, model, EVERYTHING, plan.time)
            to_sql.append(time.perf_counter() - start)
            cache.clear()
            versioned.clear()  # cold: as after a warehouse refresh (new data version, nothing kept)
            start = time.perf_counter()
            ask(question, viewer)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            ask(question, viewer)
            warm.append(time.perf_counter() - start)
        all_cold.append(statistics.median(cold))
        all_warm.append(statistics.median(warm))
        yield (
            f"  {question[:50]:<52}{_ms(statistics.median(to_sql)):>12}"
            f"{_ms(statistics.median(cold)):>12}{_ms(statistics.median(warm)):>12}"
        )
    yield f"  {'median of the questions':<52}{'':>12}{_ms(statistics.median(all_cold)):>12}" + _ms(
        statistics.median(all_warm)
    ).rjust(12)
    yield from _through_the_page(questions, repeat)
    yield "  goals: to SQL <= 50 ms; answer <= 1 s cold, <= 100 ms cached"
    yield ""


def _through_the_page(questions: list[str], repeat: int) -> Iterator[str]:
    """The same questions as a signed-in browser asks them: POST /ask/ answering JSON, cache warm."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user, _ = User.objects.get_or_create(username="bench")
    user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
    client = Client()
    times: list[float] = []
    audit_log = logging.getLogger("portal.audit")
    level = audit_log.level
    audit_log.setLevel(logging.WARNING)  # the sign-in and each question are audited; figures, not those lines
    try:
        client.force_login(user)
        yield from _timed(client, questions, repeat, times)
    finally:
        audit_log.setLevel(level)


def _timed(client: Any, questions: list[str], repeat: int, times: list[float]) -> Iterator[str]:
    for question in questions:
        response = client.post("/ask/", {"question": question}, HTTP_ACCEPT="application/json")
        if response.status_code != 200:
            yield f"  POST /ask/ answered {response.status_code}; not timed"
            return
        for _ in range(repeat):
            start = time.perf_counter()
            client.post("/ask/", {"question": question}, HTTP_ACCEPT="application/json")
            times.append(time.perf_counter() - start)
    yield f"  {'POST /ask/ (JSON, signed in), cached, median':<76}{_ms(statistics.median(times)):>12}"
