"""The Cortex Analyst engine: send the question to Snowflake's REST API, take its SQL through the compiler.

POST {CORTEX_ANALYST_URL or https://<account>.snowflakecomputing.com}/api/v2/cortex/analyst/message with
the semantic model (a stage file or a semantic view, from settings) and the conversation so far
(earlier user questions and the analyst's replies, alternating, the current question last: the API
is stateless, see conversation.py). The documented answer is
`{"message": {"role": "analyst", "content": [{"type": "text", "text": ...}, {"type": "sql",
"statement": ...}, {"type": "suggestions", "suggestions": [...]}]}, "request_id": ...}`. Its SQL is
never trusted: it runs only through compile_query (one SELECT over contract tables, the viewer's
scope, PII masking, the workspace's filters) and the cached client, like every chart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlglot
from django.conf import settings
from sqlglot import exp

from accounts.access import Viewer

from ..charts.builders import Figure, build_figure
from ..charts.spec import Chart, Kind
from ..warehouse.client import WarehouseError
from ..warehouse.compiler import EVERYTHING, CompileError, Restriction
from ..warehouse.result import Result
from .conversation import Message, user_message
from .model import SemanticModel

PATH = "/api/v2/cortex/analyst/message"


class CortexError(RuntimeError):
    """Cortex Analyst could not be reached or answered outside its documented format."""


@dataclass(frozen=True)
class CortexReply:
    text: str
    sql: str
    suggestions: tuple[str, ...]
    request_id: str
    content: tuple[dict[str, Any], ...] = field(default=(), compare=False)


def _base_url() -> str:
    url = getattr(settings, "CORTEX_ANALYST_URL", "")
    return url.rstrip("/") if url else f"https://{settings.SNOWFLAKE['account']}.snowflakecomputing.com"


def _keypair_jwt() -> str:
    import jwt
    from cryptography.hazmat.primitives import serialization

    conf = settings.SNOWFLAKE
    passphrase = conf.get("private_key_passphrase") or None
    key = serialization.load_pem_private_key(
        Path(conf["private_key_file"]).read_bytes(), password=passphrase.encode() if passphrase else None
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fingerprint = "SHA256:" + b64encode(hashlib.sha256(public).digest()).decode()
    # The account identifier without region or cloud (the connector's own rule for key-pair JWTs).
    raw = str(conf["account"])
    account = (raw.partition("-")[0] if ".global" in raw else raw.partition(".")[0]).upper()
    user = str(conf["user"]).upper()
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": f"{account}.{user}.{fingerprint}",
        "sub": f"{account}.{user}",
        "iat": now,
        "exp": now + dt.timedelta(minutes=59),
    }
    return str(jwt.encode(claims, key, algorithm="RS256"))  # type: ignore[arg-type]


def _headers() -> dict[str, str]:
    conf = settings.SNOWFLAKE
    if conf.get("oauth_token"):
        token, kind = conf["oauth_token"], "OAUTH"
    elif conf.get("private_key_file"):
        token, kind = _keypair_jwt(), "KEYPAIR_JWT"
    else:
        raise CortexError("Cortex Analyst needs SNOWFLAKE_OAUTH_TOKEN or SNOWFLAKE_PRIVATE_KEY_FILE")
    return {
        "Authorization": f"Bearer {token}",
        "X-Snowflake-Authorization-Token-Type": kind,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def request_body(question: str, conversation: Sequence[Message] = ()) -> dict[str, Any]:
    """The documented request: `messages` alternate user and analyst, the current question last."""
    body: dict[str, Any] = {"messages": [*conversation, user_message(question)]}
    view = getattr(settings, "CORTEX_ANALYST_SEMANTIC_VIEW", "")
    if view:
        body["semantic_view"] = view
    else:
        body["semantic_model_file"] = settings.CORTEX_ANALYST_SEMANTIC_MODEL_FILE
    return body


def parse_reply(payload: dict[str, Any]) -> CortexReply:
    """The documented response: message.content items of type text, sql and suggestions."""
    try:
        content = payload["message"]["content"]
    except (KeyError, TypeError):
        raise CortexError("Cortex Analyst answered without message.content") from None
    texts, sql, suggestions = [], "", []
    for item in content:
        kind = item.get("type")
        if kind == "text":
            texts.append(str(item.get("text", "")))
        elif kind == "sql":
            sql = str(item.get("statement", ""))
        elif kind == "suggestions":
            suggestions += [str(s) for s in item.get("suggestions", [])]
    return CortexReply(
        " ".join(t for t in texts if t),
        sql,
        tuple(suggestions),
        str(payload.get("request_id", "")),
        tuple(dict(item) for item in content if isinstance(item, dict)),
    )


def send(question: str, conversation: Sequence[Message] = ()) -> CortexReply:
    data = json.dumps(request_body(question, conversation)).encode()
    request = urllib.request.Request(_base_url() + PATH, data=data, headers=_headers(), method="POST")
    timeout = getattr(settings, "CORTEX_ANALYST_TIMEOUT", 30)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return parse_reply(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise CortexError(f"Cortex Analyst answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise CortexError(f"Cortex Analyst could not be reached: {exc}") from None


def local_sql(sql: str) -> str:
    """Cortex writes <DATABASE>.ANALYTICS.<TABLE>; the compiler takes ANALYTICS.<TABLE> (other databases refused)."""
    database = str(settings.SNOWFLAKE.get("database") or "").upper()
    try:
        statements = [s for s in sqlglot.parse(sql, read="snowflake") if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise CompileError(f"the SQL does not parse ({str(exc)[:200]})") from None
    if len(statements) != 1:
        raise CompileError(f"expected one statement, found {len(statements)}")
    tree = statements[0]
    for table in tree.find_all(exp.Table):
        if table.catalog and table.catalog.upper() == database:
            table.set("catalog", None)
    return tree.sql(dialect="snowflake")


def shape_chart(result: Result) -> tuple[str, Figure | None]:
    """time -> line, one category -> bar, two categories -> heatmap, one value -> KPI card."""
    if result.empty:
        return "", None
    row = result.rows[0]
    if len(result.columns) == 1 and len(result.rows) == 1:
        return "kpi", None
    cats = [c for c, v in zip(result.columns, row, strict=True) if isinstance(v, str)]
    nums = tuple(
        c
        for c, v in zip(result.columns, row, strict=True)
        if isinstance(v, int | float) or hasattr(v, "is_nan")
    )
    if isinstance(row[0], dt.date) and nums:
        chart = Chart("ask", "", "", Kind.LINE, "", x=result.columns[0], y=nums)
    elif len(cats) >= 2 and nums:
        chart = Chart("ask", "", "", Kind.HEATMAP, "", x=cats[0], y=nums[:1], series=cats[1])
    elif cats and nums:
        chart = Chart("ask", "", "", Kind.BAR, "", x=cats[0], y=nums)
    else:
        return "table", None
    return chart.kind.value, build_figure(chart, result)


def ask_cortex(
    question: str,
    viewer: Viewer,
    *,
    base: Restriction = EVERYTHING,
    model: SemanticModel,
    conversation: Sequence[Message] = (),
) -> Any:
    from .answer import Answer, _run, failure, screen, suggestions

    refused = screen(question)
    if refused:
        return Answer(refused.status, question, refused.message, engine="cortex")
    try:
        reply = send(question, conversation)
    except CortexError as exc:
        return Answer("declined", question, str(exc), engine="cortex")
    if not reply.sql:
        hints = reply.suggestions or suggestions(model, question)
        return Answer(
            "clarify",
            question,
            reply.text or "Cortex Analyst did not write a query.",
            suggestions=hints,
            engine="cortex",
            analyst=reply.content,
        )
    try:
        sql = local_sql(reply.sql)
        result, _ = _run(sql, viewer, base, {})
    except (CompileError, WarehouseError) as exc:
        return replace(failure(question, exc), engine="cortex", analyst=reply.content)
    kind, figure = shape_chart(result)
    sentence = reply.text or f"{len(result.rows)} rows."
    return Answer(
        "answered",
        question,
        sentence,
        reply.text,
        sql,
        result.columns,
        result.rows,
        kind,
        figure,
        suggestions=reply.suggestions,
        engine="cortex",
        analyst=reply.content,
    )
