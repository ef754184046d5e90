"""The Cortex Analyst engine against a local stand-in that answers in the documented format."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client


class StandIn(BaseHTTPRequestHandler):
    """Answers POST /api/v2/cortex/analyst/message with the reply queued for the question."""

    replies: ClassVar[dict[str, list[Any]]] = {}
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
        question = body["messages"][-1]["content"][0]["text"]
        content = StandIn.replies.get(question, [{"type": "text", "text": "I do not know."}])
        payload = json.dumps(
            {"message": {"role": "analyst", "content": content}, "request_id": "r-1"}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def cortex(settings: Any, warehouse: Any, db: Any) -> Iterator[type[StandIn]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ASK_ENGINE = "cortex"
    settings.CORTEX_ANALYST_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CORTEX_ANALYST_SEMANTIC_MODEL_FILE = "@DEMO.ANALYTICS.SEMANTIC/customer_analytics.yaml"
    settings.SNOWFLAKE = {**settings.SNOWFLAKE, "oauth_token": "test-token", "database": "DEMO"}
    StandIn.replies, StandIn.seen = {}, []
    yield StandIn
    server.shutdown()
    server.server_close()


def _post(client: Client, question: str) -> dict[str, Any]:
    return client.post("/ask/", {"question": question}, HTTP_ACCEPT="application/json").json()


def test_cortex_sql_runs_through_the_compiler_with_the_viewers_scope(
    cortex: type[StandIn], client: Client
) -> None:
    cortex.replies["customers by region"] = [
        {"type": "text", "text": "This is our interpretation of your question: customers per region."},
        {
            "type": "sql",
            "statement": "SELECT REGION, COUNT(*) AS CUSTOMERS FROM DEMO.ANALYTICS.CUSTOMER_BASE "
            "GROUP BY REGION ORDER BY REGION;",
        },
    ]
    lead = User.objects.create_user("lead")
    lead.groups.add(Group.objects.get_or_create(name="Support lead")[0])
    client.force_login(lead)
    body = _post(client, "customers by region")
    assert body["status"] == "answered" and body["engine"] == "cortex"
    assert [row[0] for row in body["rows"]] == ["EMEA"] and body["chart"] == "bar"
    sent = cortex.seen[0]
    assert sent["path"] == "/api/v2/cortex/analyst/message"
    assert sent["headers"]["Authorization"] == "Bearer test-token"
    assert sent["body"]["semantic_model_file"] == "@DEMO.ANALYTICS.SEMANTIC/customer_analytics.yaml"


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM DEMO.INFORMATION_SCHEMA.TABLES",
        "SELECT EMAIL FROM OTHER_DB.ANALYTICS.CUSTOMER_BASE",
        "SELECT 1 FROM DEMO.ANALYTICS.CUSTOMER_BASE; DROP TABLE DEMO.ANALYTICS.CUSTOMER_BASE",
    ],
)
def test_cortex_sql_outside_the_contract_is_refused(
    cortex: type[StandIn], signed_in: Client, statement: str
) -> None:
    cortex.replies["q"] = [{"type": "sql", "statement": statement}]
    body = _post(signed_in, "q")
    assert body["status"] == "rejected" and not body["rows"]


def test_cortex_suggestions_come_back_when_it_writes_no_sql(cortex: type[StandIn], signed_in: Client) -> None:
    cortex.replies["how is it going"] = [
        {"type": "text", "text": "Your question is ambiguous."},
        {"type": "suggestions", "suggestions": ["What is the revenue by region?"]},
    ]
    body = _post(signed_in, "how is it going")
    assert body["status"] == "clarify" and body["suggestions"] == ["What is the revenue by region?"]
    assert body["answer"] == "Your question is ambiguous."


def test_masked_columns_stay_masked_through_cortex(cortex: type[StandIn], client: Client) -> None:
    cortex.replies["names"] = [
        {
            "type": "sql",
            "statement": "SELECT REGION, MAX(EMAIL) AS E FROM DEMO.ANALYTICS.CUSTOMER_BASE GROUP BY REGION",
        }
    ]
    lead = User.objects.create_user("lead2")
    lead.groups.add(Group.objects.get_or_create(name="Support lead")[0])
    client.force_login(lead)
    body = _post(client, "names")
    assert body["status"] == "answered" and body["rows"] == [["EMEA", "***"]]
