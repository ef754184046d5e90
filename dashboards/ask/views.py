"""/ask/: the question page, its JSON form, the answer's CSV and the user's history."""

from __future__ import annotations

import csv
import json
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.access import Viewer, viewer_for

from ..charts.formatting import fmt_cell
from ..charts.registry import WORKSPACES
from ..charts.spec import column_title
from ..filters import FILTERS, FilterError, load_data_range, load_options, parse_filters
from ..warehouse.client import WarehouseError
from ..warehouse.compiler import EVERYTHING, Restriction
from . import conversation, history
from .answer import Answer, ask, uses_cortex
from .interpret import MAX_LENGTH
from .model import semantic_model

CONTEXT_PARAMS = ("from", "to", "preset", *tuple(f.param for f in FILTERS))


class BadRequest(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param, self.message = param, message


def context_of(request: HttpRequest) -> str:
    return urlencode([(k, v) for k in CONTEXT_PARAMS for v in request.GET.getlist(k)])


def asked_within(request: HttpRequest, viewer: Viewer) -> Restriction:
    """The workspace's filters the question was asked under (none: every row, all time)."""
    query = request.GET.copy()
    for key in list(query):
        if key not in CONTEXT_PARAMS:
            query.pop(key)
    if not query:
        return EVERYTHING
    try:
        filters = parse_filters(query, options=load_options(viewer), data=load_data_range(viewer))
    except FilterError as error:
        raise BadRequest(error.param, error.message) from None
    return filters.restriction()


def _question(request: HttpRequest) -> str:
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise BadRequest("body", "is not valid JSON") from None
            value = body.get("question") if isinstance(body, dict) else None
            if not isinstance(value, str):
                raise BadRequest("question", 'is missing (send {"question": "..."})')
            return value
        return request.POST.get("question", "")
    return request.GET.get("q", "")


def _wants_json(request: HttpRequest) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"
    )


def _signed_in(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware keeps anonymous requests out of these views)."""
    assert isinstance(request.user, User)
    return request.user


def _remember(request: HttpRequest, answer: Answer, context: str) -> None:
    history.remember(request, _signed_in(request), answer, context)


def _page(
    request: HttpRequest, viewer: Viewer, context: dict[str, object], status: int = 200
) -> HttpResponse:
    model = semantic_model()
    categories: dict[str, list[str]] = {}
    for q in model.verified_queries:
        if q.onboarding:
            categories.setdefault(q.category, []).append(q.question)
    context = {
        "workspaces": [ws for ws in WORKSPACES.values() if viewer.may_open(ws.slug)],
        "nav": "ask",
        "suggested": categories,
        "history": history.recent(_signed_in(request)),
        "max_length": MAX_LENGTH,
        "base_params": [(k, v) for k in CONTEXT_PARAMS for v in request.GET.getlist(k)],
        "conversation": conversation.questions(request.session, context_of(request)) if uses_cortex() else [],
        **context,
    }
    return render(request, "ask/ask.html", context, status=status)


def _answer(request: HttpRequest, question: str, viewer: Viewer, base: Restriction, context: str) -> Answer:
    """Ask within this session's conversation (Cortex); its reply joins the conversation."""
    if not uses_cortex():
        return ask(question, viewer, base=base)
    earlier = conversation.earlier(request.session, context, question)
    answer = ask(question, viewer, base=base, conversation=earlier)
    if answer.analyst:
        conversation.remember(request.session, context, question, answer.analyst)
    return answer


@require_POST
def new_conversation(request: HttpRequest) -> HttpResponse:
    """Start again: the next question is sent without the earlier ones (the filters are kept)."""
    conversation.forget(request.session)
    context = context_of(request)
    return redirect(reverse("ask") + (f"?{context}" if context else ""))


@require_http_methods(["GET", "POST"])
def ask_page(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    context_query = context_of(request)
    try:
        base = asked_within(request, viewer)
        question = _question(request)
    except BadRequest as error:
        if _wants_json(request):
            return JsonResponse(
                {"status": "rejected", "error": error.message, "param": error.param}, status=400
            )
        return _page(request, viewer, {"error": f"{error.param}: {error.message}"}, status=400)
    except WarehouseError as error:
        return _page(request, viewer, {"error": str(error)}, status=503)
    if request.method == "GET" and not question:
        return _page(request, viewer, {"context_query": context_query, "base": base})
    answer = _answer(request, question, viewer, base, context_query)
    _remember(request, answer, context_query)
    if _wants_json(request):
        return JsonResponse(answer.as_json())
    table = [[fmt_cell(v) for v in row] for row in answer.rows]
    return _page(
        request,
        viewer,
        {
            "answer": answer,
            "question": question,
            "table": table,
            # Named as the chart's axes name them (the CSV and the JSON keep the column names).
            "headers": [column_title(c) for c in answer.columns],
            "context_query": context_query,
            "base": base,
            "csv_query": urlencode([("q", question)]) + (f"&{context_query}" if context_query else ""),
        },
    )


@require_GET
def ask_csv(request: HttpRequest) -> HttpResponse:
    """The answer's table as CSV (the question is asked again, through the same path)."""
    viewer = viewer_for(request.user)
    if not viewer.can_export:
        return HttpResponse("Your role may not download data.", status=403, content_type="text/plain")
    try:
        base = asked_within(request, viewer)
    except BadRequest as error:
        return HttpResponse(f"{error.param}: {error.message}", status=400, content_type="text/plain")
    question = request.GET.get("q", "")
    answer = ask(question, viewer, base=base)
    if answer.status != "answered":
        return HttpResponse(f"q: {answer.answer}", status=400, content_type="text/plain")
    audit.record("export", "ask.csv", request=request, question=question[:MAX_LENGTH])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="answer.csv"'
    writer = csv.writer(response)
    writer.writerow(answer.columns)
    for row in answer.rows:
        writer.writerow(["" if v is None else v for v in row])
    return response
