"""Schemathesis over /api/v1/openapi.json: no 5xx and every response conforms to the schema.

Runs through Django's WSGI application (the real middleware), signed in with an API token of the
Administrator role; small and deterministic (derandomized, no shrinking).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from dashboards.api import tokens
from dashboards.api.site import api

# The document /api/v1/openapi.json serves (it needs a signed-in user, so it is built in-process).
# Writes are out of scope here (CSRF/session semantics are tested in tests/test_api.py).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema()).include(method="GET")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's DB connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def secret(warehouse, role_user) -> str:
    _, secret = tokens.issue(role_user("Administrator"), "schemathesis", 1)
    return secret


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_errors_and_matches_its_schema(case, secret):
    response = case.call(
        app=application, headers={"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}
    )
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    # The token is honoured: generated cases reach the operation, not the auth wall.
    assert response.status_code not in (401, 403), response.text[:300]


def test_the_docs_list_each_operation_under_one_tag_and_every_path_under_api_v1_or_an_alias() -> None:
    document = api.get_openapi_schema(path_prefix="/api/")
    operations = [(path, op) for path, ops in document["paths"].items() for op in ops.values()]
    assert any("questions" in path for path, _ in operations)
    assert any("scenarios" in path for path, _ in operations)
    for path, op in operations:
        assert len(op.get("tags", [])) == 1, f"{path} is listed under {op.get('tags')}"
        assert path.startswith("/api/v1/") or op["tags"] == ["aliases"], path
