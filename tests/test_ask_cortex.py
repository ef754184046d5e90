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


REGION_SQL = "SELECT REGION, COUNT(*) AS CUSTOMERS FROM DEMO.ANALYTICS.CUSTOMER_BASE GROUP BY REGION"
EMEA_SQL = (
    "SELECT REGION, COUNT(*) AS CUSTOMERS FROM DEMO.ANALYTICS.CUSTOMER_BASE "
    "WHERE REGION = 'EMEA' GROUP BY REGION"
)


def test_a_follow_up_carries_the_first_exchange_until_a_new_conversation(
    cortex: type[StandIn], signed_in: Client
) -> None:
    first = [
        {"type": "text", "text": "This is our interpretation of your question: customers per region."},
        {"type": "sql", "statement": REGION_SQL},
    ]
    cortex.replies["customers by region"] = first
    cortex.replies["only EMEA"] = [{"type": "sql", "statement": EMEA_SQL}]
    assert _post(signed_in, "customers by region")["status"] == "answered"
    assert _post(signed_in, "only EMEA")["status"] == "answered"
    assert [m["role"] for m in cortex.seen[0]["body"]["messages"]] == ["user"]
    assert cortex.seen[1]["body"]["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "customers by region"}]},
        {"role": "analyst", "content": first},
        {"role": "user", "content": [{"type": "text", "text": "only EMEA"}]},
    ]
    page = signed_in.get("/ask/").content.decode()
    assert "New conversation" in page and "customers by region" in page.split("ask-conversation-list")[1]

    response = signed_in.post("/ask/new/")
    assert response.status_code == 302 and response["Location"] == "/ask/"
    _post(signed_in, "only EMEA")
    assert [m["role"] for m in cortex.seen[2]["body"]["messages"]] == ["user"]
    listed = signed_in.get("/ask/").content.decode().split("ask-conversation-list")[1].split("</ol>")[0]
    assert "only EMEA" in listed and "customers by region" not in listed


def test_asking_the_last_question_again_does_not_repeat_it_in_the_conversation(
    cortex: type[StandIn], signed_in: Client
) -> None:
    cortex.replies["customers by region"] = [{"type": "sql", "statement": REGION_SQL}]
    cortex.replies["only EMEA"] = [{"type": "sql", "statement": EMEA_SQL}]
    _post(signed_in, "customers by region")
    _post(signed_in, "only EMEA")
    _post(signed_in, "only EMEA")  # a reload
    texts = [m["content"][0].get("text") for m in cortex.seen[2]["body"]["messages"] if m["role"] == "user"]
    assert texts == ["customers by region", "only EMEA"]


def test_other_workspace_filters_start_a_new_conversation(cortex: type[StandIn], signed_in: Client) -> None:
    cortex.replies["customers by region"] = [{"type": "sql", "statement": REGION_SQL}]
    _post(signed_in, "customers by region")
    signed_in.post(
        "/ask/?from=2026-01-01&to=2026-03-31",
        {"question": "customers by region"},
        HTTP_ACCEPT="application/json",
    )
    assert [m["role"] for m in cortex.seen[1]["body"]["messages"]] == ["user"]


def test_a_failed_call_or_a_refused_question_does_not_join_the_conversation(
    cortex: type[StandIn], signed_in: Client
) -> None:
    cortex.replies["customers by region"] = [{"type": "sql", "statement": REGION_SQL}]
    _post(signed_in, "customers by region")
    assert _post(signed_in, "SELECT * FROM CUSTOMER_BASE")["status"] == "rejected"  # screened: never sent
    assert len(cortex.seen) == 1
    _post(signed_in, "and by persona")
    users = [m for m in cortex.seen[1]["body"]["messages"] if m["role"] == "user"]
    assert [m["content"][0]["text"] for m in users] == ["customers by region", "and by persona"]


def _rsa_key(tmp_path: Any, passphrase: bytes | None) -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    path = tmp_path / "rsa_key.p8"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    return key, path


@pytest.mark.parametrize("passphrase", [None, b"s3cret"])
def test_key_pair_authentication_sends_a_snowflake_jwt(
    cortex: type[StandIn], signed_in: Client, settings: Any, tmp_path: Any, passphrase: bytes | None
) -> None:
    import base64
    import hashlib

    import jwt
    from cryptography.hazmat.primitives import serialization

    key, path = _rsa_key(tmp_path, passphrase)
    settings.SNOWFLAKE = {
        **settings.SNOWFLAKE,
        "oauth_token": "",
        "account": "xy12345.eu-central-1",
        "user": "portal_svc",
        "private_key_file": str(path),
        "private_key_passphrase": passphrase.decode() if passphrase else "",
    }
    cortex.replies["customers by region"] = [{"type": "sql", "statement": REGION_SQL}]
    assert _post(signed_in, "customers by region")["status"] == "answered"
    headers = {k.lower(): v for k, v in cortex.seen[0]["headers"].items()}
    assert headers["x-snowflake-authorization-token-type"] == "KEYPAIR_JWT"
    scheme, token = headers["authorization"].split(" ", 1)
    assert scheme == "Bearer"
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"])  # signed by our key
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode()
    assert claims["iss"] == f"XY12345.PORTAL_SVC.{fingerprint}"
    assert claims["sub"] == "XY12345.PORTAL_SVC"
    assert 0 < claims["exp"] - claims["iat"] <= 3600


def test_without_credentials_cortex_is_not_called_and_the_user_is_told(
    cortex: type[StandIn], signed_in: Client, settings: Any
) -> None:
    settings.SNOWFLAKE = {**settings.SNOWFLAKE, "oauth_token": "", "private_key_file": ""}
    body = _post(signed_in, "customers by region")
    assert body["status"] == "declined" and "SNOWFLAKE_PRIVATE_KEY_FILE" in body["answer"]
    assert cortex.seen == []
