"""/api/v1/questions/: ask a question (the same answer as `POST /ask/` in JSON) and read your history.

The answer goes through the same engine, compiler, data scope, PII masking and cache as the page; each
question is audited and joins the caller's history. The workspace filters it is asked within are the
page URL's query parameters (`?from=...&region=...`). Each API question stands alone (no conversation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from accounts.access import viewer_for

from ..ask import history
from ..ask.answer import ask
from ..ask.interpret import MAX_LENGTH
from ..ask.views import BadRequest, asked_within, context_of
from . import schemas as s
from .conditional import json_response
from .errors import ERRORS, ApiError

router = Router(tags=["questions"])


class QuestionIn(Schema):
    question: str = Field(
        max_length=MAX_LENGTH,
        description="A question in plain English, e.g. 'average order value by region last quarter'.",
    )


class AnswerOut(Schema):
    status: str = Field(description="answered, declined, clarify or rejected")
    question: str
    answer: str = Field(description="One sentence (or why there is no answer).")
    interpretation: str = Field(description="What was understood.")
    sql: str = Field(description="The generated SQL, before the compiler adds your scope and masking.")
    columns: list[str]
    rows: list[list[Any]]
    chart: str = Field(description="line, bar, heatmap, kpi, table or empty")
    suggestions: list[str]
    engine: str = Field(description="offline or cortex")


class AskedOut(Schema):
    question: str
    context: str = Field(description="The workspace filters it was asked within, as a query string.")
    status: str
    asked_at: dt.datetime


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the API's auth sets the caller (session or token owner)
    return request.user


@router.post("/", response={200: AnswerOut, **ERRORS}, url_name="questions_ask")
def ask_question(request: HttpRequest, body: QuestionIn, filters: Query[s.FilterQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """Answer a question through your role's data scope (within the workspace filters, if given)."""
    viewer = viewer_for(request.user)
    if not body.question.strip():
        raise ApiError(400, "bad_parameter", "question: is empty; ask something", "question")
    try:
        base = asked_within(request, viewer)
    except BadRequest as error:
        raise ApiError(400, "bad_parameter", f"{error.param}: {error.message}", error.param) from None
    answer = ask(body.question, viewer, base=base)
    history.remember(request, _user(request), answer, context_of(request))
    return json_response(AnswerOut, answer.as_json())


@router.get("/", response={200: list[AskedOut], **ERRORS}, url_name="questions_history")
def question_history(request: HttpRequest) -> HttpResponse:
    """Your last 50 questions, newest first (ask one again with POST and its `context` as the query)."""
    viewer_for(request.user)
    return json_response(
        None,
        [
            {"question": q.question, "context": q.context, "status": q.status, "asked_at": q.asked_at}
            for q in history.recent(_user(request))
        ],
    )
